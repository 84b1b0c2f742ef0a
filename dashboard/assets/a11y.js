// Repairs the ARIA of Dash 4's own controls, which axe-core (WCAG 2.2 AA) reports as critical or serious:
// Dash re-renders them at will, so each repair is made again whenever they change. Served as a file
// (no inline script under the CSP) and loaded by Dash from this folder.
(function () {
  "use strict";

  function labelOf(control) {
    var filter = control.closest(".filter");
    var label = filter && filter.querySelector(":scope > label");
    return label ? label.textContent.trim() : "";
  }

  // A date range's frame is a plain box holding two labelled inputs: it is no button and opens nothing.
  function dateRange(wrapper) {
    ["aria-haspopup", "aria-expanded", "aria-disabled", "type"].forEach(function (name) {
      if (wrapper.hasAttribute(name)) wrapper.removeAttribute(name);
    });
  }

  // A drop-down is reached with Tab on its (labelled) button, not on a hidden input that passes focus on.
  function dropDown(target) {
    if (target.tabIndex !== -1) target.tabIndex = -1;
    var button = target.nextElementSibling;
    if (button && button.tabIndex !== 0) button.tabIndex = 0;
  }

  // Radio items are native radio buttons in labels: a named radio group, not a list box of options.
  function radioItems(list) {
    if (list.getAttribute("role") !== "radiogroup") list.setAttribute("role", "radiogroup");
    if (!list.hasAttribute("aria-label")) list.setAttribute("aria-label", labelOf(list));
    list.querySelectorAll("[role=option]").forEach(function (option) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
  }

  function repair() {
    document.querySelectorAll(".dash-datepicker-input-wrapper").forEach(dateRange);
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(dropDown);
    document.querySelectorAll(".dash-radioitems[role=listbox], .dash-radioitems [role=option]").forEach(function (el) {
      radioItems(el.closest(".dash-radioitems"));
    });
  }

  new MutationObserver(repair).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["role", "aria-expanded", "aria-haspopup", "tabindex"],
  });
})();
