// Progress of a background job (the register PDF): polls the JSON status URL in data-job-status
// and updates the bar, the rows done, the message and the download link without reloading.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status");
  var bar = box.querySelector("[data-job-bar]");
  var state = box.querySelector("[data-job-state]");
  var rows = box.querySelector("[data-job-rows]");
  var message = box.querySelector("[data-job-message]");
  var download = box.querySelector("[data-job-download]");
  var cancel = box.querySelector("[data-job-cancel]");
  var delay = 1000;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    state.textContent = data.state_label;
    rows.textContent = data.rows_done.toLocaleString("vi-VN") + "/" + data.rows_total.toLocaleString("vi-VN") + " dòng";
    if (data.message && data.state !== "done") { message.textContent = data.message; message.hidden = false; }
    if (data.download_url) { download.hidden = false; }
    if (data.finished && cancel) { cancel.hidden = true; }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) {
        show(data);
        if (!data.finished) { window.setTimeout(poll, delay); }
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, 300);
}());
