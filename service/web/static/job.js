// The progress of a background job (templates/job.html): polls /api/jobs/<id> every second
// until it ends, then reloads the page (or goes on to the page the job leads to).
"use strict";
(function () {
  const card = document.getElementById("job");
  const bar = document.getElementById("job-progress");
  const percent = document.getElementById("job-percent");
  async function poll() {
    try {
      const response = await fetch("/api/jobs/" + card.dataset.job, {credentials: "same-origin"});
      if (response.ok) {
        const job = await response.json();
        document.getElementById("job-message").textContent = job.message;
        document.getElementById("job-status").textContent = job.status_label;
        if (job.percent === null) {
          bar.removeAttribute("value");
          percent.textContent = "";
        } else {
          bar.value = job.percent;
          percent.textContent = job.percent + "%";
        }
        card.dataset.status = job.status;
        if (job.status === "done" && card.dataset.forward) {
          window.location.assign(card.dataset.forward);
          return;
        }
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // the server is busy or restarting: try again
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
