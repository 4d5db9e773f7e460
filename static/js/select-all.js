/* « Sélectionner tout » for bulk actions: a checkbox data-select-all="<name>" checks or unchecks
   every checkbox of that name in its form, and shows « mixed » when only some are checked. */
(function () {
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var form = all.form || all.closest("form");
    var boxes = function () { return form ? form.querySelectorAll("input[type=checkbox][name='" + all.getAttribute("data-select-all") + "']") : []; };
    function refresh() {
      var list = Array.prototype.slice.call(boxes());
      var checked = list.filter(function (b) { return b.checked; }).length;
      all.checked = list.length > 0 && checked === list.length;
      all.indeterminate = checked > 0 && checked < list.length;
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      refresh();
    });
    if (form) { form.addEventListener("change", function (event) { if (event.target !== all) { refresh(); } }); }
    refresh();
  });
})();
