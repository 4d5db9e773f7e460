/* « (Optionnel) » follows the answers: a field declared with chorus.required.required_when
   (data-required-when="<controller field>", data-required-values="A B", data-required-unless)
   shows its optional mark only when the rule of the checks lets it be empty. Other scripts set a
   field's state with window.chorusRequired.set(input, required). */
(function () {
  if (window.chorusRequired) { return; }

  function set(input, required) {
    if (!input) { return; }
    var label = input.id ? document.querySelector("label[for='" + input.id + "']") : null;
    var mark = label ? label.querySelector("[data-optional-mark]") : null;
    if (mark) { mark.hidden = Boolean(required); }
    if (required) { input.setAttribute("aria-required", "true"); } else { input.removeAttribute("aria-required"); }
  }

  function controllerValue(form, name) {
    var inputs = form ? form.querySelectorAll("[name='" + name + "']") : [];
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "radio" || el.type === "checkbox")) { if (el.checked) { return el.value; } }
      else { return el.value; }
    }
    return "";
  }

  function refresh(input) {
    var values = (input.getAttribute("data-required-values") || "").split(" ");
    var hit = values.indexOf(controllerValue(input.form, input.getAttribute("data-required-when"))) >= 0;
    set(input, input.hasAttribute("data-required-unless") ? !hit : hit);
  }

  function init() {
    document.querySelectorAll("[data-required-when]").forEach(function (input) {
      refresh(input);
      if (input.form) {
        input.form.addEventListener("change", function (event) {
          if (event.target.name === input.getAttribute("data-required-when")) { refresh(input); }
        });
      }
    });
  }

  window.chorusRequired = { set: set, refresh: refresh };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
