/* Small enhancements on top of server-rendered pages; everything works without them. */
(function () {
  "use strict";

  var MESSAGES = {
    403: "Vous n'avez pas les droits nécessaires pour cette action.",
    404: "L'élément demandé n'existe pas ou n'est plus accessible.",
    413: "Le fichier envoyé est trop volumineux.",
    429: "Trop de tentatives : patientez quelques minutes.",
  };
  var FALLBACK = "Une erreur s'est produite : l'action n'a pas été enregistrée. Rechargez la page et recommencez.";

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

  // Print buttons: <button data-print> prints the page; one marked hidden stays hidden without this
  // script, which cannot print. An element with data-autoprint prints the page once it is loaded.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print][hidden]").forEach(function (button) { button.hidden = false; });
    if (document.querySelector("[data-autoprint]")) window.print();
  });
})();
