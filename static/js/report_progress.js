/* The report job page (templates/reports/centre/job.html): polls the job's status view every
   1.5 s and moves the <progress> bar; when the job is done shows the download link, when it failed
   the message and the retry button. Without JavaScript the page refreshes itself every 3 s. */
(function () {
  "use strict";
  var box = document.querySelector("[data-report-job]");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[data-report-progress]");
  var percent = box.querySelector("[data-report-percent]");
  var live = box.querySelector("[data-report-live]");
  var badge = document.querySelector("[data-report-status]");

  function show(selector, visible) {
    var el = box.querySelector(selector);
    if (el) { el.hidden = !visible; }
  }

  function update(job) {
    bar.value = job.progress;
    bar.textContent = job.progress + "%";
    percent.textContent = job.progress;
    if (badge) { badge.textContent = job.status_label; }
    if (!job.finished) { return false; }
    show("[data-report-running]", false);
    if (job.download_url) {
      box.querySelector("[data-report-download]").href = job.download_url;
      show("[data-report-done]", true);
    } else if (job.status === "failed") {
      box.querySelector("[data-report-error]").textContent = job.error;
      show("[data-report-failed]", true);
    }
    live.textContent = job.status_label;
    return true;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) { if (!update(job)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
