// Autocomplete drop-downs (select2) draw a combobox of their own, which takes no name from the
// <select> it stands for: give it the select's name, and its search box one too. Run after
// Django's own scripts have drawn them (load), and for each row "Add another" adds.
(function () {
  "use strict";

  function nameOf(select) {
    var label = select.getAttribute("aria-label");
    if (!label && select.id) {
      var element = document.querySelector('label[for="' + select.id + '"]');
      label = element ? element.textContent : "";
    }
    return (label || "").replace(/:\s*$/, "").trim();
  }

  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var drawn = select.nextElementSibling;
      var label = nameOf(select);
      if (!drawn || !label) {
        return;
      }
      drawn.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (box) {
        box.setAttribute("aria-label", label);
      });
      drawn.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", "Search: " + label);
      });
    });
  }

  window.addEventListener("load", function () {
    name(document);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      name(event.target);
    }, 0);
  });
})();
