/* Copy buttons of the citation box on measure pages (templates/_cite.md.j2).
 * The buttons are hidden until this script runs. It copies with navigator.clipboard where the
 * browser offers it; otherwise (older browsers, pages not served over https) it selects the
 * text and tries document.execCommand("copy"), and the text stays selected for Ctrl+C.
 * Plain ES5, no library, nothing loaded from elsewhere. */
(function () {
  "use strict";

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelecting(element) {
    select(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function report(button, copied) {
    if (!button.hasAttribute("data-label")) {
      button.setAttribute("data-label", button.textContent);
    }
    button.textContent = copied ? "已复制" : "已选中，请按 Ctrl+C 复制";
    clearTimeout(button.plancopyTimer);
    button.plancopyTimer = setTimeout(function () {
      button.textContent = button.getAttribute("data-label");
    }, 2500);
  }

  function copy(button) {
    var element = document.getElementById(button.getAttribute("data-copy-target"));
    if (!element) {
      return;
    }
    var text = element.textContent;
    var clipboard = navigator.clipboard;
    if (clipboard && typeof clipboard.writeText === "function") {
      clipboard.writeText(text).then(
        function () { report(button, true); },
        function () { report(button, copyBySelecting(element)); }
      );
    } else {
      report(button, copyBySelecting(element));
    }
  }

  function reveal() {
    var buttons = document.querySelectorAll(".plan-cite__copy[hidden]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].removeAttribute("hidden");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest(".plan-cite__copy") : null;
    if (button) {
      copy(button);
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
  // Material's instant loading swaps pages without a new load; reveal on each.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(reveal);
  }
})();
