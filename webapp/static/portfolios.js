/* Choosing a company's establishments: "Tout (dé)cocher". Works without it: every checkbox can be
   ticked by hand. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    // Tout (dé)cocher: <input type=checkbox data-check-all="NAME"> toggles every enabled box NAME.
    document.querySelectorAll("[data-check-all]").forEach(function (master) {
      var name = master.getAttribute("data-check-all");
      var boxes = function () {
        return Array.prototype.filter.call(
          master.form.querySelectorAll('input[type=checkbox][name="' + name + '"]'),
          function (box) { return !box.disabled; });
      };
      master.checked = boxes().length > 0 && boxes().every(function (box) { return box.checked; });
      master.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = master.checked; });
      });
    });
  });
})();
