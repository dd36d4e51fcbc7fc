// A citation mark opens its note (the quoted passage and the source) beside the claim.
// Without JavaScript the mark is a plain link to the same note, at the end of its section.
(function () {
  "use strict";
  let open = null; // {box, mark}

  function close(returnFocus) {
    if (!open) return;
    open.box.remove();
    open.mark.setAttribute("aria-expanded", "false");
    if (returnFocus) open.mark.focus();
    open = null;
  }

  function show(mark, note) {
    const box = document.createElement("div");
    box.className = "note-popup";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Source " + mark.textContent);
    box.tabIndex = -1;
    const body = document.createElement("p");
    for (const child of note.childNodes) {
      if (!(child.classList && child.classList.contains("note-back"))) {
        body.appendChild(child.cloneNode(true));
      }
    }
    const shut = document.createElement("button");
    shut.type = "button";
    shut.className = "note-close";
    shut.textContent = "Close";
    shut.addEventListener("click", () => close(true));
    box.append(body, shut);
    document.body.appendChild(box);
    const at = mark.getBoundingClientRect();
    const room = document.documentElement.clientWidth - box.offsetWidth - 8;
    box.style.top = at.bottom + window.scrollY + 4 + "px";
    box.style.left = Math.max(8, Math.min(at.left + window.scrollX, room)) + "px";
    mark.setAttribute("aria-expanded", "true");
    open = { box: box, mark: mark };
    box.focus();
  }

  for (const mark of document.querySelectorAll("a.cite-mark")) {
    mark.setAttribute("aria-haspopup", "dialog");
    mark.setAttribute("aria-expanded", "false");
  }

  document.addEventListener("click", function (event) {
    if (open && open.box.contains(event.target)) return;
    const mark = event.target.closest("a.cite-mark");
    const wasOpen = open && open.mark;
    close(false);
    if (!mark || mark === wasOpen) {
      if (mark) event.preventDefault();
      return;
    }
    const note = document.getElementById(mark.hash.slice(1));
    if (!note) return;
    event.preventDefault();
    show(mark, note);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close(true);
  });
})();
