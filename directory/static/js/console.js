// The staff console's keyboard shortcut: "/" moves the focus to the search box (the element marked
// data-shortcut="/"), unless the person is already typing in a field. Progressive enhancement:
// every page works without this script, which the CSP allows because it comes from this site.
(function () {
  "use strict";
  function typing(target) {
    if (!target) { return false; }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var box = document.querySelector('[data-shortcut="/"]');
    if (!box) { return; }
    event.preventDefault();
    box.focus();
    if (typeof box.select === "function") { box.select(); }
  });
}());
