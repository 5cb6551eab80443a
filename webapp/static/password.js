/*
 * Password criteria ticked live, and the gauge "Qualité de votre mot de passe".
 * Mirrors db/accounts/password_policy.py (CRITERIA, unmet_criteria, strength): the server checks again.
 * Works on every [data-password-policy] block rendered by templates/_macros/password.html.
 */
(function () {
  "use strict";

  function fold(text) {
    // db.text.fold: accents removed, case folded, inner spaces collapsed.
    return (text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function characterClasses(password) {
    return [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{N}]/u].filter(function (re) {
      return re.test(password);
    }).length;
  }

  function unmet(password, block) {
    var minLength = Number(block.dataset.minLength), maxLength = Number(block.dataset.maxLength);
    var chars = Array.from(password);
    var result = {
      length: chars.length < minLength,
      max_length: chars.length > maxLength,
      classes: characterClasses(password) < Number(block.dataset.minClasses),
      identity: false,
    };
    var folded = fold(password).replace(/ /g, "");
    [block.dataset.nom, block.dataset.prenom].forEach(function (name) {
      var n = fold(name).replace(/ /g, "");
      if (n.length >= 3 && folded.indexOf(n) !== -1) result.identity = true;
    });
    var siret = block.dataset.siret;
    if (siret && password.indexOf(siret) !== -1) result.identity = true;
    return result;
  }

  function strength(password) {
    if (!password) return 0;
    var score = Math.min(characterClasses(password), 4) - 1;
    if (Array.from(password).length >= 16) score += 1;
    return Math.max(0, Math.min(score, 4));
  }

  function update(block) {
    var input = block.querySelector("[data-password-input]");
    var confirmation = block.querySelector("[data-confirmation-input]");
    var password = input.value;
    var misses = unmet(password, block);
    block.querySelectorAll("[data-criterion]").forEach(function (item) {
      var met = password.length > 0 && !misses[item.dataset.criterion];
      item.classList.toggle("is-met", met);
      item.classList.toggle("is-unmet", password.length > 0 && !met);
      item.querySelector(".criterion-state").textContent = met ? " (respecté)" : " (non respecté)";
    });
    var labels = block.dataset.strengthLabels.split("|");
    var score = strength(password);
    var meter = block.querySelector("[data-strength-meter]");
    meter.value = score;
    block.querySelector("[data-strength-text]").textContent = password ? labels[score] : labels[0];
    var state = block.querySelector("[data-confirmation-state]");
    if (confirmation && state) {
      if (!confirmation.value) {
        state.textContent = "";
        state.className = "confirmation-state";
      } else if (confirmation.value === password) {
        state.textContent = "Les deux saisies sont identiques.";
        state.className = "confirmation-state is-met";
      } else {
        state.textContent = "Les deux saisies sont différentes.";
        state.className = "confirmation-state is-unmet";
      }
    }
  }

  function init(root) {
    (root || document).querySelectorAll("[data-password-policy]").forEach(function (block) {
      if (block.dataset.passwordReady) return;
      block.dataset.passwordReady = "1";
      block.addEventListener("input", function () { update(block); });
      update(block);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
