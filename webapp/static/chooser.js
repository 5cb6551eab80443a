/* Choisir les établissements: the action bar's pending count follows the boxes as they are ticked
   (the server's count covers the other pages and the « Tout cocher » already asked for; each box of
   this page adds or takes back its own change). Without JavaScript the count comes with the next page. */
(function () {
  "use strict";
  var form = document.querySelector("form.establishment-chooser");
  if (!form) return;
  var bar = form.querySelector(".action-bar-count .pending-count");
  var added = Number(form.dataset.added || 0), removed = Number(form.dataset.removed || 0);

  function number(n) { return Number(n).toLocaleString("fr-FR").replace(/\s/g, "\u202f"); }
  function plural(n, word) { return number(n) + " " + word + (n > 1 ? "s" : ""); }

  function refresh() {
    var plus = added, minus = removed;
    form.querySelectorAll("input[type=checkbox][name=siret]").forEach(function (box) {
      var registered = box.dataset.registered === "1";
      if (box.checked === box.defaultChecked) return;
      if (registered) minus += box.checked ? -1 : 1;
      else plus += box.checked ? 1 : -1;
    });
    if (!bar) return;
    bar.textContent = "";
    if (!plus && !minus) { bar.textContent = "Aucune modification en attente."; return; }
    var strong = document.createElement("strong");
    strong.textContent = plural(plus + minus, "modification") + " en attente";
    bar.appendChild(strong);
    bar.appendChild(document.createTextNode(" (toutes les pages)\u202f: " + number(plus) + " à inscrire, "
      + number(minus) + " à désinscrire."));
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox][name=siret]")) refresh();
  });
})();
