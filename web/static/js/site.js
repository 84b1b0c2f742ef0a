// Small progressive enhancements for every page of the shell. Everything works without this file.
(function () {
  "use strict";

  // Text that is only true while script runs ("This page updates itself") is shown by this class;
  // without script the page keeps its plain links instead (app.css: .when-js / .without-js).
  document.documentElement.classList.add("js");

  // After htmx swaps a new page into <main>, move focus to its heading so screen readers
  // announce the new page and keyboard users continue from the top of it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "main") return;
    var heading = target.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: false });
    }
  });

  // The print button on the return label needs script; without it the page explains Ctrl+P.
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".print-button");
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
