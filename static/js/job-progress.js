// Progress of a background job (register PDF, import): polls the JSON status URL in data-job-status
// (portal/jobs.py: state_label, done, total, percent, finished, message, download_url) and moves the
// bar, the rows done, the message, the download link and "Chạy lại" (can_rerun) without reloading. With data-job-reload the
// page reloads once the job has finished, to show what it produced. Each box on the page (a regulation
// page may read several originals at once) polls on its own; ``unit`` names what is counted.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-job-status]"), watch);

  function watch(box) {
    if (box.getAttribute("data-job-finished") === "1") { return; }
    var url = box.getAttribute("data-job-status");
    function part(name) { return box.querySelector("[data-job-" + name + "]"); }
    var bar = part("bar"), state = part("state"), rows = part("rows"), message = part("message");
    var download = part("download"), cancel = part("cancel"), rerun = part("rerun");
    var delay = 1000;

    function number(n) { return Number(n).toLocaleString("vi-VN"); }

    function show(data) {
      if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
      if (state) { state.textContent = data.state_label; }
      if (rows) { rows.textContent = data.percent + "% — " + number(data.done) + "/" + number(data.total) + " " + (data.unit || "dòng"); }
      if (message && data.message && !data.download_url) { message.textContent = data.message; message.hidden = false; }
      if (download && data.download_url) { download.hidden = false; }
      if (cancel && data.finished) { cancel.hidden = true; }
      if (rerun && data.can_rerun) { rerun.hidden = false; }
    }

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (data) {
          show(data);
          if (!data.finished) {
            delay = 1000;
            window.setTimeout(poll, delay);
          } else if (box.hasAttribute("data-job-reload")) {
            window.setTimeout(function () { window.location.reload(); }, 600);
          }
        })
        .catch(function () { delay = Math.min(delay * 2, 10000); window.setTimeout(poll, delay); });
    }
    window.setTimeout(poll, 300);
  }
}());
