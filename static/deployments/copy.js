// "Copy the citation": the buttons stay hidden without JavaScript, where the text can be
// selected and copied by hand.
"use strict";

(function () {
    for (const button of document.querySelectorAll("button.copy-button[data-copy]")) {
        const source = document.getElementById(button.dataset.copy);
        const status = button.parentElement.querySelector(".copy-status");
        if (!source) continue;
        button.hidden = false;
        button.addEventListener("click", function () {
            const text = source.textContent.trim();
            const done = () => { if (status) status.textContent = "Copied."; };
            const byHand = () => {
                // No clipboard access (an insecure page, say): select it for Ctrl+C.
                const range = document.createRange();
                range.selectNodeContents(source);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                if (status) status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
            };
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(text).then(done, byHand);
            } else {
                byHand();
            }
        });
    }
})();
