/* Gérer les habilitations: keeps the pending ticks of the grid across its pages until "Valider".
 *
 * The state lives in the grid form's hidden fields (bulk_declare, bulk_pay, changes), so that a
 * plain submit posts it: "Tout (dé)cocher" of a column is one bulk value over the whole search,
 * boxes ticked one by one are "e-d-u-c-v" tokens on top of it. After every change the server
 * counts what the state changes (POST apercu) and the count lands in #habilitations-pending.
 * Without this file the page still works: the boxes of the page and "Tout (dé)cocher" post
 * the same form. */
(function () {
  "use strict";

  var form, bulk, cells, timer;
  var LETTER = { declare: "d", pay: "p" };

  function hidden(name) { return form.querySelector('input[type=hidden][name="' + name + '"]'); }

  function readState() {
    bulk = { d: hidden("bulk_declare").value, p: hidden("bulk_pay").value };
    cells = new Map();
    hidden("changes").value.split(/\s+/).forEach(function (token) {
      var parts = token.split("-");
      if (parts.length === 5) cells.set(parts.slice(0, 4).join("-"), parts[4]);
    });
  }

  function writeState() {
    hidden("bulk_declare").value = bulk.d;
    hidden("bulk_pay").value = bulk.p;
    var tokens = [];
    cells.forEach(function (value, key) { tokens.push(key + "-" + value); });
    hidden("changes").value = tokens.join(" ");
    var criteria = document.querySelector("form.habilitation-criteria");
    var pending = tokens.length || bulk.d !== "" || bulk.p !== "";
    if (criteria) {
      if (pending) criteria.dataset.confirm = criteria.dataset.pendingWarning;
      else delete criteria.dataset.confirm;
    }
  }

  function boxes() { return form.querySelectorAll("#habilitations-grid input[type=checkbox][data-column]"); }

  function base(box) {
    var value = bulk[box.dataset.column];
    return value !== "" ? value : box.dataset.saved;
  }

  function desired(box) {
    var own = cells.get(box.value + "-" + box.dataset.column);
    return (own !== undefined ? own : base(box)) === "1";
  }

  // Show the state on the boxes of the page, and mark the rows that differ from the database.
  function paint() {
    boxes().forEach(function (box) { box.checked = desired(box); });
    form.querySelectorAll("#habilitations-grid tr[data-key]").forEach(function (row) {
      var pending = false, granting = false;
      row.querySelectorAll("input[type=checkbox][data-column]").forEach(function (box) {
        var saved = box.dataset.saved === "1";
        if (box.checked !== saved) pending = true;
        if (box.checked && !saved) granting = true;
      });
      row.classList.toggle("is-pending", pending);
      row.classList.toggle("is-granting", granting);
    });
    syncToggles();
  }

  // "Tout (dé)cocher" unticks when every box of its column on the page is ticked, else ticks.
  function syncToggles() {
    form.querySelectorAll("button.toggle-all").forEach(function (button) {
      var column = LETTER[button.dataset.column];
      var list = Array.prototype.filter.call(boxes(), function (b) { return b.dataset.column === column; });
      var all = list.length > 0 && list.every(function (b) { return b.checked; });
      button.value = all ? "0" : "1";
    });
  }

  function refreshCount(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var data = new FormData(form);
      // The boxes' own values are already in the state; posting them too would be redundant.
      data.delete("declare"); data.delete("pay"); data.delete("shown");
      fetch(form.dataset.previewUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": hidden("csrf_token").value },
      }).then(function (response) {
        if (!response.ok && response.status !== 422) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        document.getElementById("habilitations-pending").innerHTML = html;
      }).catch(function () {
        if (window.portalAnnounce) window.portalAnnounce("Le décompte des modifications n'a pas pu être mis à jour.", "error");
      });
    }, delay);
  }

  function onChange(event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][data-column]")) return;
    var key = box.value + "-" + box.dataset.column;
    var value = box.checked ? "1" : "0";
    if (value === base(box)) cells.delete(key); else cells.set(key, value);
    writeState();
    paint();
    refreshCount(250);
  }

  function onToggle(event) {
    var button = event.target.closest("button.toggle-all");
    if (!button || !form.contains(button)) return;
    event.preventDefault();
    // It reaches beyond the page: confirmed first, with the count of the results.
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    var column = LETTER[button.dataset.column];
    bulk[column] = button.value;
    cells.forEach(function (value, key) { if (key.slice(-1) === column) cells.delete(key); });
    writeState();
    paint();
    refreshCount(0);
  }

  // After htmx brought another page of the grid: show the pending state on its boxes.
  function afterSwap() {
    var grid = document.getElementById("habilitations-grid");
    if (!grid) return;
    var page = form.querySelector("input[data-grid-page]");
    if (page) page.value = grid.dataset.page;
    var cancel = form.querySelector("a[data-cancel]");
    if (cancel) cancel.href = window.location.href;
    paint();
  }

  function init() {
    form = document.getElementById("habilitation-grid-form");
    if (!form) return;
    readState();
    writeState();
    paint();
    form.addEventListener("change", onChange);
    form.addEventListener("click", onToggle);
    document.body.addEventListener("htmx:afterSettle", afterSwap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
