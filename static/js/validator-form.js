/* The maître d'œuvre's decision (tracking.forms.ValidatorForm): the motive is required for a
   refusal and for a corrected amount (tracking.services.invoice_validator_process). Its
   « (Optionnel) » mark follows both answers; without this script the server says it. */
(function () {
  "use strict";

  // "12 000,5" → "1200050" (cents), or null when it is not an amount.
  function cents(text) {
    var s = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(s)) { return null; }
    var parts = s.split(".");
    return String(BigInt(parts[0] + (parts[1] || "").padEnd(2, "0")));
  }

  function init() {
    var comment = document.querySelector("[data-required-for-correction]");
    if (!comment || !comment.form || !window.chorusRequired) { return; }
    var form = comment.form;
    var amount = form.querySelector("[name='validated_amount']");
    var documentAmount = amount ? cents(amount.getAttribute("data-document-amount")) : null;

    function refresh() {
      var refusal = form.querySelector("[name='action'][value='REFUS']:checked") !== null;
      var typed = amount ? cents(amount.value) : null;
      var corrected = typed !== null && typed !== documentAmount;
      window.chorusRequired.set(comment, refusal || corrected);
    }
    form.addEventListener("change", refresh);
    if (amount) { amount.addEventListener("input", refresh); }
    refresh();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
