// The assistant's panel: with JavaScript the answer is shown in the panel itself; without it the
// form simply opens /assistant/?q=… (the same answer, as a page).
(function () {
  "use strict";
  var form = document.getElementById("assistant-panel-form");
  var target = document.getElementById("assistant-panel-answer");
  if (!form || !target || !window.fetch) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = form.querySelector("input[name=q]").value;
    var url = form.getAttribute("data-fragment-url") + "?fragment=1&q=" + encodeURIComponent(q);
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { window.location.href = form.action + "?q=" + encodeURIComponent(q); });
  });
})();
