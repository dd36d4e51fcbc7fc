// The filter form sends only the fields that are filled in, so a shared address reads
// ?technology=anpr rather than ?q=&role=&from=... (without JavaScript the server redirects
// an address with blank parameters to the same address without them).
"use strict";

(function () {
    for (const form of document.querySelectorAll("form.filters")) {
        form.addEventListener("submit", function () {
            for (const field of form.elements) {
                if (field.name && !field.disabled && field.value.trim() === "") {
                    // A disabled field is not sent; the page is left behind, so nothing to undo.
                    field.disabled = true;
                }
            }
        });
    }
    // Coming back with the Back button may restore the page as it was left, fields disabled.
    window.addEventListener("pageshow", function () {
        for (const field of document.querySelectorAll("form.filters [disabled]")) {
            field.disabled = false;
        }
    });
})();
