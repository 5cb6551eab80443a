/*
 * Dual list: turns <select multiple data-dual-list> into two listboxes ("disponibles" /
 * "sélectionnés") with a filter box on each side and the four buttons of Django's SelectFilter2.
 *
 * - The original <select> stays in the form (hidden) and is kept in sync: the form posts the
 *   chosen set exactly as it does without JavaScript.
 * - Lists are ARIA listboxes (aria-multiselectable): arrow keys move, Home/End jump, Space
 *   toggles, Shift+arrows extend, Ctrl+A selects what is visible, Enter moves the selection to the
 *   other list; a click selects, Ctrl/Shift+click extend, a double-click moves the item.
 * - "Tout choisir" / "Tout retirer" act on the items visible through the filter; every button is
 *   disabled when it would do nothing. Lists stay sorted (French collation).
 * - Drag and drop (SortableJS, when loaded) comes on top of the buttons, never instead of them.
 * - Every move is announced in a polite live region.
 * - data-search-label adds a search box above both lists that filters them both (a firm's 200
 *   people): every word typed must be in the item's text or its words in data-search-words (JSON,
 *   {value: "an e-mail"});
 *   Down arrow goes to the first match, Escape clears it, the counts of matches are announced.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, word) {
    return n + " " + word + (n > 1 ? "s" : "");
  }

  function fold(text) {
    return text.toLocaleLowerCase("fr").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function DualList(select) {
    this.select = select;
    this.id = select.id || "dual-list-" + (++counter);
    this.availableLabel = select.dataset.availableLabel || "Éléments disponibles";
    this.selectedLabel = select.dataset.selectedLabel || "Éléments sélectionnés";
    this.searchLabel = select.dataset.searchLabel || "";
    this.searchWords = select.dataset.searchWords ? JSON.parse(select.dataset.searchWords) : {};
    this.build();
    this.render();
  }

  DualList.prototype.build = function () {
    var self = this;
    var field = this.select.closest(".dual-list-field") || this.select.parentNode;
    // The no-JavaScript label and hint describe the plain <select>; the widget has its own.
    Array.prototype.forEach.call(field.querySelectorAll("label[for='" + this.select.id + "'], .hint"), function (n) {
      n.hidden = true;
    });
    this.select.hidden = true;
    this.select.setAttribute("aria-hidden", "true");
    this.select.tabIndex = -1;

    var root = el("div", { class: "dual-list", role: "group", "aria-label": this.availableLabel + " / " + this.selectedLabel });
    this.from = this.pane(root, "from", this.availableLabel);
    var buttons = el("div", { class: "dual-list-buttons" });
    this.chooseAll = this.button(buttons, "Tout choisir", "»", false);
    this.choose = this.button(buttons, "Choisir", "›", false);
    this.remove = this.button(buttons, "Retirer", "‹", true);
    this.removeAll = this.button(buttons, "Tout retirer", "«", true);
    root.appendChild(buttons);
    this.to = this.pane(root, "to", this.selectedLabel);
    this.live = el("p", { class: "visually-hidden", "aria-live": "polite", role: "status" });
    root.appendChild(this.live);
    var help = el("p", { class: "hint dual-list-help" },
      "Flèches pour parcourir, Espace pour sélectionner, Entrée ou double-clic pour basculer, ou glissez les éléments d'une liste à l'autre.");
    root.appendChild(help);
    if (this.searchLabel) field.appendChild(this.searchBox());
    field.appendChild(root);

    this.chooseAll.addEventListener("click", function () { self.move(self.visible(self.from), true); });
    this.choose.addEventListener("click", function () { self.move(self.selectedItems(self.from), true); });
    this.remove.addEventListener("click", function () { self.move(self.selectedItems(self.to), false); });
    this.removeAll.addEventListener("click", function () { self.move(self.visible(self.to), false); });

    if (window.Sortable) {
      [this.from, this.to].forEach(function (pane) {
        window.Sortable.create(pane.list, {
          group: self.id,
          sort: false,
          animation: 0,
          onAdd: function (event) {
            var toChosen = event.to === self.to.list;
            var source = toChosen ? self.from : self.to;
            // Dropping one item of a multiple selection moves the whole selection.
            var items = [event.item].concat(self.selectedItems(source));
            self.move(items, toChosen);
          },
        });
      });
    }
  };

  DualList.prototype.searchBox = function () {
    var self = this;
    var box = el("div", { class: "field dual-list-search" });
    var inputId = this.id + "-search";
    box.appendChild(el("label", { for: inputId }, this.searchLabel));
    this.search = el("input", { type: "search", id: inputId, autocomplete: "off", "aria-describedby": inputId + "-count" });
    this.searchCount = el("p", { class: "hint", id: inputId + "-count", "aria-live": "polite" });
    box.appendChild(this.search);
    box.appendChild(this.searchCount);
    var apply = function () {
      self.applyFilter(self.from);
      self.applyFilter(self.to);
      var words = self.search.value.trim();
      self.searchCount.textContent = words ? self.visible(self.from).length + " sur " + self.items(self.from).length +
        " dans " + self.availableLabel + ", " + self.visible(self.to).length + " sur " + self.items(self.to).length +
        " dans " + self.selectedLabel + "." : "";
    };
    this.search.addEventListener("input", apply);
    this.search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submit the form from the search box
      if (event.key === "Escape" && self.search.value) { event.preventDefault(); self.search.value = ""; apply(); }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        var pane = self.visible(self.from).length ? self.from : self.to;
        pane.list.focus();
        self.focusItem(pane, self.visible(pane)[0]);
      }
    });
    return box;
  };

  DualList.prototype.pane = function (root, side, label) {
    var self = this;
    var pane = el("div", { class: "dual-list-pane dual-list-" + side });
    var labelId = this.id + "-" + side + "-label";
    var heading = el("p", { class: "dual-list-label", id: labelId }, label);
    var count = el("span", { class: "dual-list-count", "aria-hidden": "true" });
    heading.appendChild(document.createTextNode(" "));
    heading.appendChild(count);
    var filter = el("input", {
      type: "search", class: "dual-list-filter", placeholder: "Filtrer",
      "aria-label": "Filtrer : " + label, autocomplete: "off",
    });
    var list = el("ul", {
      role: "listbox", "aria-multiselectable": "true", tabindex: "0",
      class: "dual-list-box", "aria-label": label, id: this.id + "-" + side,
    });
    pane.appendChild(heading);
    pane.appendChild(filter);
    pane.appendChild(list);
    root.appendChild(pane);
    var state = { pane: pane, list: list, filter: filter, count: count, label: label, active: null, anchor: null };

    filter.addEventListener("input", function () { self.applyFilter(state); });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submit the form from a filter
      if (event.key === "ArrowDown") { event.preventDefault(); list.focus(); self.focusItem(state, self.visible(state)[0]); }
    });
    list.addEventListener("keydown", function (event) { self.onKey(state, event); });
    list.addEventListener("click", function (event) {
      state.pointer = false;
      var item = event.target.closest("[role=option]");
      if (item) self.onClick(state, item, event);
    });
    list.addEventListener("dblclick", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) self.move([item], state === self.from);
    });
    // A mouse press focuses the list before its click lands: remember it, so that focusing does
    // not scroll to the first item and make the click hit another one.
    list.addEventListener("mousedown", function () { state.pointer = true; });
    list.addEventListener("focus", function () {
      if (!state.pointer && (!state.active || state.active.hidden)) {
        self.focusItem(state, self.visible(state)[0], true);
      }
      state.pointer = false;
    });
    return state;
  };

  DualList.prototype.button = function (parent, label, arrow, leftArrow) {
    var button = el("button", { type: "button", class: "dual-list-button" });
    var icon = el("span", { "aria-hidden": "true" }, arrow);
    if (leftArrow) { button.appendChild(icon); button.appendChild(document.createTextNode(" " + label)); }
    else { button.appendChild(document.createTextNode(label + " ")); button.appendChild(icon); }
    parent.appendChild(button);
    return button;
  };

  DualList.prototype.render = function () {
    var self = this;
    [this.from, this.to].forEach(function (pane) { pane.list.replaceChildren(); });
    Array.prototype.forEach.call(this.select.options, function (option, index) {
      var item = el("li", { role: "option", "aria-selected": "false", id: self.id + "-opt-" + index, "data-value": option.value }, option.textContent);
      item.folded = fold(option.textContent + " " + (self.searchWords[option.value] || ""));
      (option.selected ? self.to : self.from).list.appendChild(item);
    });
    this.sort(this.from);
    this.sort(this.to);
    this.refresh();
  };

  DualList.prototype.items = function (pane) {
    return Array.prototype.slice.call(pane.list.querySelectorAll("[role=option]"));
  };
  DualList.prototype.visible = function (pane) {
    return this.items(pane).filter(function (item) { return !item.hidden; });
  };
  DualList.prototype.selectedItems = function (pane) {
    return this.visible(pane).filter(function (item) { return item.getAttribute("aria-selected") === "true"; });
  };

  DualList.prototype.sort = function (pane) {
    var items = this.items(pane).sort(function (a, b) { return collator.compare(a.textContent, b.textContent); });
    items.forEach(function (item) { pane.list.appendChild(item); });
  };

  DualList.prototype.applyFilter = function (pane) {
    var typed = pane.filter.value + " " + (this.search ? this.search.value : "");
    var words = fold(typed).split(/\s+/).filter(Boolean);
    this.items(pane).forEach(function (item) {
      item.hidden = !words.every(function (w) { return item.folded.indexOf(w) !== -1; });
      if (item.hidden) item.setAttribute("aria-selected", "false");
    });
    this.refresh();
  };

  DualList.prototype.move = function (items, toChosen) {
    var self = this;
    var target = toChosen ? this.to : this.from;
    var source = toChosen ? this.from : this.to;
    var unique = items.filter(function (item, i) { return item && items.indexOf(item) === i; });
    if (!unique.length) return;
    var byValue = {};
    Array.prototype.forEach.call(this.select.options, function (o) { byValue[o.value] = o; });
    unique.forEach(function (item) {
      byValue[item.dataset.value].selected = toChosen;
      item.setAttribute("aria-selected", "false");
      target.list.appendChild(item);
    });
    this.sort(target);
    this.applyFilter(target);
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    var names = unique.length === 1 ? "« " + unique[0].textContent + " »" : plural(unique.length, "élément");
    this.live.textContent = names + (unique.length === 1 ? " déplacé vers " : " déplacés vers ") + target.label +
      ". " + plural(this.items(this.to).length, "élément") + " dans " + this.to.label + ".";
    // Keep the keyboard where it was: on the next item of the list the items left.
    var next = this.visible(source)[0];
    if (document.activeElement === source.list || source.list.contains(document.activeElement)) {
      if (next) this.focusItem(source, next, true); else target.list.focus();
    }
    this.refresh();
  };

  DualList.prototype.refresh = function () {
    var self = this;
    [this.from, this.to].forEach(function (pane) {
      var total = self.items(pane).length;
      var shown = self.visible(pane).length;
      pane.count.textContent = "(" + (shown === total ? total : shown + " sur " + total) + ")";
      if (!total) pane.list.setAttribute("data-empty", "La liste est vide");
      else pane.list.removeAttribute("data-empty");
      if (pane.active && (pane.active.hidden || pane.active.parentNode !== pane.list)) {
        pane.active = null;
        pane.list.removeAttribute("aria-activedescendant");
      }
    });
    this.chooseAll.disabled = this.visible(this.from).length === 0;
    this.choose.disabled = this.selectedItems(this.from).length === 0;
    this.remove.disabled = this.selectedItems(this.to).length === 0;
    this.removeAll.disabled = this.visible(this.to).length === 0;
  };

  DualList.prototype.focusItem = function (pane, item, keepSelection) {
    this.items(pane).forEach(function (i) { i.classList.remove("is-active"); });
    if (!item) { pane.active = null; pane.list.removeAttribute("aria-activedescendant"); return; }
    pane.active = item;
    item.classList.add("is-active");
    pane.list.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
    if (!keepSelection) {
      this.items(pane).forEach(function (i) { i.setAttribute("aria-selected", i === item ? "true" : "false"); });
      pane.anchor = item;
    }
    this.refresh();
  };

  DualList.prototype.selectRange = function (pane, from, to) {
    var visible = this.visible(pane);
    var a = visible.indexOf(from), b = visible.indexOf(to);
    if (a < 0) a = b;
    var lo = Math.min(a, b), hi = Math.max(a, b);
    visible.forEach(function (item, i) { item.setAttribute("aria-selected", i >= lo && i <= hi ? "true" : "false"); });
  };

  DualList.prototype.onClick = function (pane, item, event) {
    if (event.shiftKey && pane.anchor) {
      this.selectRange(pane, pane.anchor, item);
      this.focusItem(pane, item, true);
    } else if (event.ctrlKey || event.metaKey) {
      item.setAttribute("aria-selected", item.getAttribute("aria-selected") === "true" ? "false" : "true");
      pane.anchor = item;
      this.focusItem(pane, item, true);
    } else {
      this.focusItem(pane, item, false);
    }
    pane.list.focus();
  };

  DualList.prototype.onKey = function (pane, event) {
    var visible = this.visible(pane);
    var index = visible.indexOf(pane.active);
    var target = null;
    switch (event.key) {
      case "ArrowDown": target = visible[Math.min(index + 1, visible.length - 1)]; break;
      case "ArrowUp": target = visible[Math.max(index - 1, 0)]; break;
      case "Home": target = visible[0]; break;
      case "End": target = visible[visible.length - 1]; break;
      case " ":
        event.preventDefault();
        if (pane.active) {
          pane.active.setAttribute("aria-selected", pane.active.getAttribute("aria-selected") === "true" ? "false" : "true");
          pane.anchor = pane.active;
          this.refresh();
        }
        return;
      case "Enter": {
        event.preventDefault();
        var chosen = this.selectedItems(pane);
        this.move(chosen.length ? chosen : [pane.active], pane === this.from);
        return;
      }
      case "ArrowRight": if (pane === this.from) { event.preventDefault(); this.to.list.focus(); } return;
      case "ArrowLeft": if (pane === this.to) { event.preventDefault(); this.from.list.focus(); } return;
      case "a": case "A":
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          visible.forEach(function (item) { item.setAttribute("aria-selected", "true"); });
          this.refresh();
        }
        return;
      default: return;
    }
    event.preventDefault();
    if (!target) return;
    if (event.shiftKey) {
      this.selectRange(pane, pane.anchor || pane.active || target, target);
      this.focusItem(pane, target, true);
    } else {
      this.focusItem(pane, target, false);
    }
  };

  function init(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-dual-list]:not([data-dual-ready])"), function (select) {
      select.setAttribute("data-dual-ready", "");
      new DualList(select);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Forms swapped in by htmx get their widget too.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  window.DualList = { init: init };
})();
