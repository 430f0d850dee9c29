// "Add another row" for Django formsets marked with data-formset attributes. Without JavaScript
// the page still shows a few empty rows, so this only adds convenience.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.getAttribute("data-formset-add");
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!template || !rows || !total) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      if (window.portalEnhance) {
        window.portalEnhance(row);
      }
      var first = row.querySelector("input:not([type=hidden]):not(.ts-hidden-accessible), select:not(.tomselected), textarea");
      if (first) {
        first.focus();
      }
    });
  });
})();
