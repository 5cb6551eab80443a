/*
 * Journal: the lines of an entry unfold in the row below it. The link "Voir les N lignes" is a plain
 * link to the entry's own page; htmx loads the lines into the row the first time, this script shows
 * it then, and afterwards folds and unfolds it without asking the server again.
 */
(function () {
  "use strict";

  function rowOf(link) {
    return document.getElementById(link.getAttribute("aria-controls"));
  }

  function show(link, open) {
    var row = rowOf(link);
    if (!row) return;
    row.hidden = !open;
    link.setAttribute("aria-expanded", open ? "true" : "false");
    link.textContent = open ? "Masquer les lignes" : link.dataset.label;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (!link.classList || !link.classList.contains("entry-toggle") || !link.dataset.loaded) return;
    event.preventDefault();  // already here: fold or unfold
    show(link, link.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var link = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!link || !link.classList || !link.classList.contains("entry-toggle")) return;
    link.dataset.loaded = "1";
    show(link, true);
  });
})();
