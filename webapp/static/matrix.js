/* Gérer les habilitations, the matrix grid: keeps the pending ticks across pages until "Valider",
 * ticks a line or a column at once, moves between boxes with the arrow keys.
 *
 * The state lives in the form's hidden fields, so that a plain submit posts it: "columns" holds the
 * column ticks ("declaration-d|p-0|1", over every result of the search), "changes" the boxes ticked
 * one by one ("e-d-u-d|p-0|1"), on top of the columns. A column tick reaches beyond the page: it is
 * confirmed first, with its count, and "confirmed" tells Valider so. After every change the server
 * counts what the state changes (POST apercu) and the count lands in the action bar.
 * Without this file the grid still works: its boxes, line and column tick boxes post the same form. */
(function () {
  "use strict";

  var form, cells, columns, timer;

  function hidden(name) { return form.querySelector('input[type=hidden][name="' + name + '"]'); }
  function grid() { return document.getElementById("habilitations-grid"); }
  function boxes(root) { return (root || grid()).querySelectorAll("tbody input[type=checkbox][data-column]"); }

  function readState() {
    cells = new Map();
    columns = new Map();
    hidden("changes").value.split(/\s+/).forEach(function (token) {
      var parts = token.split("-");
      if (parts.length === 5) cells.set(parts.slice(0, 4).join("-"), parts[4]);
    });
    hidden("columns").value.split(/\s+/).forEach(function (token) {
      var parts = token.split("-");
      if (parts.length === 3) columns.set(parts[0] + "-" + parts[1], parts[2]);
    });
  }

  function pendingCount() { return cells.size + columns.size; }

  function writeState() {
    var tokens = [];
    cells.forEach(function (value, key) { tokens.push(key + "-" + value); });
    hidden("changes").value = tokens.join(" ");
    tokens = [];
    columns.forEach(function (value, key) { tokens.push(key + "-" + value); });
    hidden("columns").value = tokens.join(" ");
    var criteria = document.querySelector("form.habilitation-criteria");
    if (criteria) {
      if (pendingCount()) criteria.dataset.confirm = criteria.dataset.pendingWarning;
      else delete criteria.dataset.confirm;
    }
  }

  // What a box shows when nobody ticked it one by one: its column's pending tick, else the database.
  function base(box) {
    var column = columns.get(box.dataset.service + "-" + box.dataset.column);
    return column !== undefined ? column : box.dataset.saved;
  }

  function desired(box) {
    var own = cells.get(box.value + "-" + box.dataset.column);
    return (own !== undefined ? own : base(box)) === "1";
  }

  function setBox(box, ticked) {
    var key = box.value + "-" + box.dataset.column;
    var value = ticked ? "1" : "0";
    if (value === base(box)) cells.delete(key); else cells.set(key, value);
  }

  // Show the state on the page: the boxes, the cells that differ from the database, the tick boxes
  // of the lines (all their boxes ticked) and of the columns (their pending tick, else what the page said).
  function paint() {
    if (!grid()) return;
    boxes().forEach(function (box) {
      box.checked = desired(box);
      box.closest("td").classList.toggle("is-pending", box.checked !== (box.dataset.saved === "1"));
    });
    grid().querySelectorAll("tbody tr[data-line]").forEach(function (row) {
      var tick = row.querySelector("input[data-line-tick]");
      if (!tick) return;
      var list = Array.prototype.slice.call(boxes(row));
      var ticked = list.filter(function (b) { return b.checked; }).length;
      tick.checked = list.length > 0 && ticked === list.length;
      tick.indeterminate = ticked > 0 && ticked < list.length;
    });
    grid().querySelectorAll("input[data-column-tick]").forEach(function (tick) {
      var pending = columns.get(tick.dataset.columnTick);
      tick.checked = pending !== undefined ? pending === "1" : tick.dataset.state === "all";
      tick.indeterminate = pending === undefined && tick.dataset.state === "some";
    });
  }

  function refreshCount(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var data = new FormData(form);
      ["declare", "pay", "shown", "line", "lines_shown", "column", "columns_shown"].forEach(function (name) {
        data.delete(name);  // the state above already says what they say
      });
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

  function number(n) { return Number(n).toLocaleString("fr-FR").replace(/\s/g, "\u202f"); }

  // A column tick: confirmed with its count, since it reaches every page of the results.
  function onColumn(tick) {
    var cellsCount = Number(tick.dataset.cells), ticked = Number(tick.dataset.ticked);
    var changing = tick.checked ? cellsCount - ticked : ticked;
    var question = (tick.checked ? "Cocher" : "Décocher") + " « " + tick.dataset.label + " » sur les " +
      number(cellsCount) + " lignes des résultats, toutes les pages comprises : " + number(changing) +
      " case" + (changing > 1 ? "s changent" : " change") + " (avant « Valider »). Continuer ?";
    if (!window.confirm(question)) {
      paint();
      return;
    }
    columns.set(tick.dataset.columnTick, tick.checked ? "1" : "0");
    var parts = tick.dataset.columnTick.split("-");
    cells.forEach(function (value, key) {  // the column's own ticks give way to the column tick
      var p = key.split("-");
      if (p[1] === parts[0] && p[3] === parts[1]) cells.delete(key);
    });
    hidden("confirmed").value = "1";
  }

  function onChange(event) {
    var target = event.target;
    if (!target.matches) return;
    if (target.matches("input[data-column-tick]")) onColumn(target);
    else if (target.matches("input[data-line-tick]")) {
      boxes(target.closest("tr")).forEach(function (box) { setBox(box, target.checked); });
    } else if (target.matches("input[type=checkbox][data-column]")) setBox(target, target.checked);
    else return;
    writeState();
    paint();
    refreshCount(columns.size ? 0 : 250);
  }

  // Arrow keys move between the boxes of the grid (the line and column tick boxes included); Space
  // ticks, as for any box.
  function onKey(event) {
    var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    var move = moves[event.key];
    if (!move || !event.target.matches || !event.target.matches(".matrix input[type=checkbox]")) return;
    var rows = Array.prototype.slice.call(grid().querySelectorAll(".matrix tr"));
    var row = event.target.closest("tr"), cell = event.target.closest("th, td");
    var x = cell.getBoundingClientRect().left + cell.offsetWidth / 2;
    var target = null;
    if (move[1]) {
      var inputs = Array.prototype.slice.call(row.querySelectorAll("input[type=checkbox]"));
      target = inputs[inputs.indexOf(event.target) + move[1]];
    } else {
      for (var i = rows.indexOf(row) + move[0]; i >= 0 && i < rows.length && !target; i += move[0]) {
        target = nearest(rows[i], x);
      }
    }
    if (target) {
      event.preventDefault();
      target.focus();
    }
  }

  function nearest(row, x) {
    var best = null, distance = Infinity;
    row.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      var box = input.closest("th, td").getBoundingClientRect();
      var d = Math.abs(box.left + box.width / 2 - x);
      if (d < distance) { best = input; distance = d; }
    });
    return distance < 40 ? best : null;
  }

  // The tick boxes of lines and columns post what they show only for the page without this file:
  // here the state above says it all, and a line unticked by one of its boxes must not untick the rest.
  function keepStateOnly() {
    grid().querySelectorAll('[name="line"], [name="lines_shown"], [name="column"], [name="columns_shown"]')
      .forEach(function (input) { input.removeAttribute("name"); });
  }

  // After htmx brought another page of the grid: show the pending state on its boxes.
  function afterSwap() {
    if (!grid()) return;
    var page = form.querySelector("input[data-grid-page]");
    if (page) page.value = grid().dataset.page;
    keepStateOnly();
    paint();
  }

  // "Voir": the list of the pending changes, in the action bar.
  function onShow(event) {
    var button = event.target.closest("[data-show-pending]");
    if (!button) return;
    event.preventDefault();
    var list = document.querySelector("#habilitations-pending details");
    if (list) list.open = !list.open;
    else refreshCount(0);
  }

  function init() {
    form = document.getElementById("habilitation-matrix-form");
    if (!form) return;
    readState();
    writeState();
    keepStateOnly();
    paint();
    form.addEventListener("change", onChange);
    form.addEventListener("click", onShow);
    form.addEventListener("keydown", onKey);
    document.body.addEventListener("htmx:afterSettle", afterSwap);
    if (pendingCount()) refreshCount(0);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
