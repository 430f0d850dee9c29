// The progress bar of a running import: polls the JSON status URL and updates the bar and the
// row count without reloading; once the job has finished the page reloads to show the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box || box.getAttribute("data-running") !== "1") {
    return;
  }
  var url = box.getAttribute("data-import-status");
  var bar = box.querySelector("[data-import-bar]");
  var text = box.querySelector("[data-import-text]");
  var label = box.querySelector("[data-import-label]");

  function show(state) {
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (text) {
      text.textContent = state.percent + "% — " + state.done + "/" + state.total + " dòng";
    }
    if (label) {
      label.textContent = state.status_label;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (state.running) {
          window.setTimeout(poll, 1000);
        } else {
          box.setAttribute("data-running", "0");
          window.setTimeout(function () { window.location.reload(); }, 600);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
