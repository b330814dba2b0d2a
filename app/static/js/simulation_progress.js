// A running simulation's page: polls the run's progress (data-progress-url of the script tag)
// every second and, once the run ends, opens the run's page (data-run-url) with the report. Not a
// reload: the page may be the answer to the form's POST, which a reload would send again.
(function () {
  var urls = document.currentScript.dataset;
  (function poll() {
    fetch(urls.progressUrl).then(function (r) { return r.json(); }).then(function (p) {
      document.getElementById('done').textContent = p.done;
      document.getElementById('bar').value = p.done;
      if (p.state === 'running') { setTimeout(poll, 1000); } else { location.replace(urls.runUrl); }
    });
  })();
})();
