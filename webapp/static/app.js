/* Small enhancements on top of server-rendered pages; everything works without them. */
(function () {
  "use strict";

  var MESSAGES = {
    403: "Vous n\u2019avez pas les droits nécessaires pour cette action.",
    404: "L\u2019élément demandé n\u2019existe pas ou n\u2019est plus accessible.",
    413: "Le fichier envoyé est trop volumineux.",
    429: "Trop de tentatives\u202f: patientez quelques minutes.",
  };
  var FALLBACK = "Une erreur s\u2019est produite\u202f: l\u2019action n\u2019a pas été enregistrée. Rechargez la page et recommencez.";

  function announce(text, category) {
    var region = document.getElementById("messages");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message message-" + (category || "error");
    p.textContent = text;
    region.replaceChildren(p);
  }
  window.portalAnnounce = announce;

  // htmx does not swap error answers: say what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    announce(MESSAGES[status] || FALLBACK, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("Le serveur ne répond pas. Vérifiez votre connexion puis recommencez.", "error");
  });

  // Buttons and forms that ask before doing something destructive: data-confirm="…".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // Feedback on every submit: the clicked button says that it is working and cannot be pressed again.
  // The button is disabled only after the browser has read the form (a disabled submitter would not
  // send its own name and value); a second submit of the same form is refused meanwhile. Forms that
  // htmx posts get the same through htmx:beforeRequest / afterRequest.
  var BUSY_TEXT = "Enregistrement en cours…";

  function setBusy(button) {
    if (!button || button.dataset.busyLabel !== undefined) return;
    button.dataset.busyLabel = button.innerHTML;
    button.setAttribute("aria-busy", "true");
    button.setAttribute("aria-disabled", "true");
    button.textContent = BUSY_TEXT;
    window.setTimeout(function () { button.disabled = true; }, 0);
  }

  function restore(button) {
    if (!button || button.dataset.busyLabel === undefined) return;
    button.innerHTML = button.dataset.busyLabel;
    delete button.dataset.busyLabel;
    button.removeAttribute("aria-busy");
    button.removeAttribute("aria-disabled");
    button.disabled = false;
  }

  function submitButtonOf(form, submitter) {
    return submitter || form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
  }

  // A long operation (a form with data-long="Contrôle du fichier en cours…": the grid's Valider, an import, a
  // bulk add) also says so in the page's live region, with a progress bar, so that it is seen and heard
  // while the server works; the server does not report its progress for these, so the bar is indeterminate.
  function announceLong(form) {
    var region = document.getElementById("messages");
    if (!form.dataset.long || !region) return;
    var note = document.createElement("p");
    note.className = "message message-info long-operation";
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", form.dataset.long);
    note.append(bar, " " + form.dataset.long);
    region.replaceChildren(note);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "get").toLowerCase() !== "post" || form.hasAttribute("data-no-busy")) return;
    if (form.dataset.submitting) { event.preventDefault(); return; }
    if (event.defaultPrevented) return;  // cancelled (data-confirm answered no) or taken over by htmx
    form.dataset.submitting = "1";
    setBusy(submitButtonOf(form, event.submitter));
    announceLong(form);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.requestConfig.verb === "get" || elt.tagName !== "FORM") return;
    setBusy(submitButtonOf(elt, event.detail.requestConfig.triggeringEvent &&
                               event.detail.requestConfig.triggeringEvent.submitter));
    announceLong(elt);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "FORM") elt.querySelectorAll("[aria-busy=true]").forEach(restore);
  });

  // A field checked on blur (the inscription) is replaced by the server's answer. When that answer comes
  // back after the person has typed again in the field it would replace (a slow answer, or the check of an
  // empty field they have since filled), swapping it in would erase what they typed: the answer is about
  // a value that is no longer there, so it is dropped; the field's next blur checks what it holds now.
  var askedValues = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.matches("input:not([type=checkbox]):not([type=radio]), textarea")) askedValues.set(elt, elt.value);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;  // detail.elt is the target
    if (!elt || !askedValues.has(elt)) return;
    var asked = askedValues.get(elt);
    askedValues.delete(elt);
    if (elt.value !== asked && event.detail.target.contains(elt)) event.detail.shouldSwap = false;
  });

  // Back to a page from the browser's cache: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) { delete form.dataset.submitting; });
    document.querySelectorAll("[aria-busy=true]").forEach(restore);
    document.querySelectorAll(".long-operation").forEach(function (note) { note.remove(); });
  });

  // The Menu personnalisé behind its "Menu" button on narrow screens (a disclosure: the button says
  // whether the menu is shown; Escape closes it and gives the focus back to the button).
  function initMenuToggle() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    document.documentElement.classList.add("has-menu-toggle");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
      toggle.click();
      toggle.focus();
    });
  }

  // File inputs: a French button (the label) and the chosen file's name, instead of the browser's own
  // words. The input stays the form field and keeps its label for assistive technologies.
  function initFilePickers() {
    document.querySelectorAll("input[type=file]:not([data-file-picker])").forEach(function (input) {
      input.setAttribute("data-file-picker", "");
      var wrapper = document.createElement("span");
      wrapper.className = "file-picker";
      var button = document.createElement("label");
      button.className = "button file-button";
      button.htmlFor = input.id;
      button.setAttribute("aria-hidden", "true");
      button.textContent = input.multiple ? "Choisir des fichiers" : "Choisir un fichier";
      var name = document.createElement("span");
      name.className = "file-name";
      name.setAttribute("aria-live", "polite");
      name.textContent = "Aucun fichier choisi";
      input.parentNode.insertBefore(wrapper, input);
      wrapper.append(input, button, name);
      input.addEventListener("change", function () {
        var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
        name.textContent = names.length ? names.join(", ") : "Aucun fichier choisi";
      });
    });
  }

  // Tables scroll sideways inside their own container, never the page, under a sticky header; the
  // tables already in a scrolling box (the habilitation matrix, the bulk file's report) stay as they are.
  function scrolls(element) {
    for (var node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      var overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return node;
    }
    return null;
  }
  function initTables(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var box = scrolls(table);
      if (box) {  // the keyboard must reach a box that scrolls, whoever made it
        if (!box.hasAttribute("tabindex")) box.tabIndex = 0;
        return;
      }
      var container = document.createElement("div");
      container.className = "table-container";
      table.parentNode.insertBefore(container, table);
      container.append(table);
      // The keyboard can reach the box to scroll it (it may scroll sideways on a phone, down on a long
      // table). No role or name of its own: a region would repeat the name of the section around it.
      container.tabIndex = 0;
    });
  }

  document.addEventListener("htmx:load", function (event) {  // the page, then every piece htmx swaps in
    initFilePickers();
    initTables(event.target);
  });

  // The error summary of a form takes the focus when the page opens, so that it is read first; its links
  // move the focus to the field itself, not only the view.
  function buildErrorSummary(form) {
    var errors = form.querySelectorAll(".field-error[id]");
    if (!errors.length) return null;
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.tabIndex = -1;
    summary.setAttribute("aria-labelledby", "error-summary-title");  // read when it takes the focus
    summary.setAttribute("data-error-summary", "");
    var title = document.createElement("h2");
    title.id = "error-summary-title";
    title.textContent = errors.length > 1 ? "Le formulaire contient des erreurs" : "Le formulaire contient une erreur";
    var list = document.createElement("ul");
    errors.forEach(function (error) {
      var field = form.querySelector("[aria-describedby~='" + error.id + "']");
      var label = field && field.id && form.querySelector("label[for='" + field.id + "']");
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + (field && field.id ? field.id : error.id);
      // The field's label only: its error is read next to the field, once (and found once by its words).
      link.textContent = label ? label.textContent.trim() : "Champ à corriger";
      item.append(link);
      list.append(item);
    });
    summary.append(title, list);
    form.prepend(summary);
    return summary;
  }

  function initErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      var form = Array.prototype.find.call(document.querySelectorAll("main form"), function (candidate) {
        return candidate.querySelector(".field-error[id]");
      });
      summary = form && buildErrorSummary(form);
    }
    if (summary) summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({block: "center"});
    field.focus();
  });

  // Print buttons: <button data-print> prints the page; one marked hidden stays hidden without this
  // script, which cannot print. An element with data-autoprint prints the page once it is loaded.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("DOMContentLoaded", function () {
    initMenuToggle();
    initFilePickers();
    initTables();
    initErrorSummary();
    document.querySelectorAll("[data-print][hidden]").forEach(function (button) { button.hidden = false; });
    if (document.querySelector("[data-autoprint]")) window.print();
  });
})();
