/* Readable by everyone (overrides/main.html): 字号 大/中/小, 打印本页, and the keyboard where the
 * theme falls short. The phone menu (drawer) and the search button are labels in the theme:
 * here they become buttons a keyboard reaches (access.css keeps the closed drawer out of the tab
 * order); the open search dialog keeps focus inside. Plain ES5, nothing from elsewhere. */
(function () {
  "use strict";
  var KEY = "plansite.size";
  var DRAWER_QUERY = window.matchMedia("(max-width: 76.234375em)");

  function store(size) {
    try {
      if (size === "medium") { localStorage.removeItem(KEY); } else { localStorage.setItem(KEY, size); }
    } catch (error) { /* private mode: the choice lasts for this page only */ }
  }

  function setSize(size) {
    if (size === "medium") { document.documentElement.removeAttribute("data-plan-size"); }
    else { document.documentElement.setAttribute("data-plan-size", size); }
    var buttons = document.querySelectorAll(".plan-tools [data-plan-size]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-plan-size") === size));
    }
  }

  function tools() {
    var bar = document.querySelector(".plan-tools");
    if (!bar) { return; }
    bar.hidden = false;
    setSize(document.documentElement.getAttribute("data-plan-size") || "medium");
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("plan-print")) { return; }
      var size = button.getAttribute("data-plan-size");
      if (size) { setSize(size); store(size); }
    });
  }

  /* A label that toggles a checkbox, made into a button: focusable, named, Enter and Space. */
  function asButton(label, name, checkbox) {
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", name);
    label.setAttribute("aria-expanded", String(checkbox.checked));
    label.addEventListener("keydown", function (event) {
      /* the theme also clicks a focused label on Enter: one click, not two */
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); event.stopPropagation(); label.click(); }
    });
    checkbox.addEventListener("change", function () { label.setAttribute("aria-expanded", String(checkbox.checked)); });
  }

  function drawer() {
    var toggle = document.getElementById("__drawer");
    var sidebar = document.querySelector(".md-sidebar--primary");
    var button = document.querySelector(".md-header label.md-header__button[for='__drawer']");
    if (!toggle || !sidebar || !button) { return; }
    asButton(button, "打开导航菜单", toggle);
    /* access.css hides the closed drawer (out of the tab order); on opening, focus goes into it. */
    toggle.addEventListener("change", function () {
      if (toggle.checked && DRAWER_QUERY.matches) {
        var first = sidebar.querySelector("a[href], label[tabindex], input:not([type=checkbox])");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) { button.click(); button.focus(); }
    });
    /* Tabbing out of the open drawer closes it: what is behind it gets the focus, and is seen. */
    document.addEventListener("focusin", function (event) {
      if (toggle.checked && DRAWER_QUERY.matches && !sidebar.contains(event.target) && event.target !== button) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
    });
  }

  /* In the phone drawer the theme's part headings open sub-panels, but are not focusable (on a wide
   * screen they are plain headings): there they become buttons, and the panel's title goes back. */
  function drawerPanels() {
    var sidebar = document.querySelector(".md-sidebar--primary");
    if (!sidebar) { return; }
    var openers = sidebar.querySelectorAll("label.md-nav__link[for^='__nav'][tabindex='']");
    var backs = sidebar.querySelectorAll("label.md-nav__title[for^='__nav']");
    function bind(label, name, onOpen) {
      var toggle = document.getElementById(label.htmlFor);
      if (!toggle) { return; }
      label.addEventListener("keydown", function (event) {
        if (!DRAWER_QUERY.matches || (event.key !== "Enter" && event.key !== " ")) { return; }
        event.preventDefault();
        event.stopPropagation();  /* the theme would click it a second time */
        label.click();
        setTimeout(function () { onOpen(toggle); }, 0);
      });
      label.setAttribute("data-plan-name", name || "");
    }
    function panelOf(toggle) { return toggle.parentElement.querySelector(":scope > nav.md-nav"); }
    /* The panel slides (and becomes visible) in a moment: try until the focus takes. */
    function focusSoon(element, tries) {
      element.focus();
      if (document.activeElement !== element && tries > 0) { setTimeout(function () { focusSoon(element, tries - 1); }, 50); }
    }
    for (var i = 0; i < openers.length; i++) {
      bind(openers[i], "", function (toggle) {
        var panel = panelOf(toggle);
        var first = panel && panel.querySelector(":scope > .md-nav__list > li > a[href], :scope > .md-nav__list > li > label[tabindex='0']");
        if (toggle.checked && first) { focusSoon(first, 10); }
      });
    }
    for (var j = 0; j < backs.length; j++) {
      bind(backs[j], "返回上一级", function (toggle) {
        var opener = document.getElementById(toggle.id + "_label");
        if (!toggle.checked && opener) { focusSoon(opener, 10); }
      });
    }
    function update() {
      var on = DRAWER_QUERY.matches;
      var all = [].slice.call(openers).concat([].slice.call(backs));
      for (var k = 0; k < all.length; k++) {
        if (on) {
          all[k].setAttribute("tabindex", "0");
          all[k].setAttribute("role", "button");
          if (all[k].getAttribute("data-plan-name")) {  /* the name keeps the visible text (WCAG 2.5.3) */
            all[k].setAttribute("aria-label", all[k].getAttribute("data-plan-name") + "：" + all[k].textContent.trim());
          }
        } else {
          all[k].removeAttribute("tabindex");
          all[k].removeAttribute("role");
          all[k].removeAttribute("aria-label");
        }
      }
    }
    if (DRAWER_QUERY.addEventListener) { DRAWER_QUERY.addEventListener("change", update); }
    update();
  }

  function focusable(root) {
    var all = root.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), [tabindex]");
    var shown = [];
    for (var i = 0; i < all.length; i++) {
      if (all[i].tabIndex >= 0 && all[i].getClientRects().length && getComputedStyle(all[i]).visibility !== "hidden") {
        shown.push(all[i]);
      }
    }
    return shown;
  }

  function search() {
    var toggle = document.getElementById("__search");
    var dialog = document.querySelector(".md-search");
    if (!toggle || !dialog) { return; }
    var button = document.querySelector(".md-header label.md-header__button[for='__search']");
    if (button) { asButton(button, "搜索", toggle); }
    var opener = document.querySelector(".plan-search-open");  /* the home page's way in */
    if (opener) {
      opener.hidden = false;
      opener.addEventListener("click", function () {
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      });
    }
    var input = dialog.querySelector(".md-search__input");
    toggle.addEventListener("change", function () {
      if (toggle.checked) { dialog.setAttribute("aria-modal", "true"); } else { dialog.removeAttribute("aria-modal"); }
      if (toggle.checked && input) {  /* opened from a button: the typing goes to the search box */
        setTimeout(function () { if (!dialog.contains(document.activeElement)) { input.focus(); } }, 0);
      }
      if (!toggle.checked && button && DRAWER_QUERY.matches) { button.focus(); }
    });
    /* While the dialog is open, Tab and Shift+Tab go round inside it (the theme would close it on
     * Tab and drop focus: this listener comes first and keeps the key from the theme). On a wide
     * screen the empty search box in the header is not yet a dialog: Tab passes on, as the theme does. */
    var fullScreen = window.matchMedia("(max-width: 59.984375em)");
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Tab" || !toggle.checked) { return; }
      if (!fullScreen.matches && input && !input.value) { return; }
      event.stopPropagation();
      var inside = focusable(dialog.querySelector(".md-search__inner") || dialog);
      if (!inside.length) { return; }
      var first = inside[0], last = inside[inside.length - 1];
      var active = document.activeElement;
      if (!dialog.contains(active)) { event.preventDefault(); first.focus(); }
      else if (event.shiftKey && active === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && active === last) { event.preventDefault(); first.focus(); }
    }, true);
  }

  function printButtons() {
    var buttons = document.querySelectorAll(".plan-print");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  tools();
  printButtons();
  drawer();
  drawerPanels();
  search();
}());
