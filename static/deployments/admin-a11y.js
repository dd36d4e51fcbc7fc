// Autocomplete drop-downs (select2) draw a combobox of their own, which takes no name from the
// <select> it stands for: give it the select's name, and its search box one too, whenever
// Django's scripts draw one (on load, for a row "Add another" adds, when a list opens).
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

  // A drop-down's search box is drawn at the end of the page each time it opens.
  function nameSearches() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", "Search");
    });
    // An open combobox names the list it controls (select2 says only aria-owns).
    document.querySelectorAll('[role="combobox"][aria-owns]').forEach(function (box) {
      box.setAttribute("aria-controls", box.getAttribute("aria-owns"));
    });
  }

  // Whenever select2 draws something (on load, for "Add another", on opening): name it.
  var pending = false;
  new MutationObserver(function () {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      name(document);
      nameSearches();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", function () {
    name(document);
    nameSearches();
  });
})();
