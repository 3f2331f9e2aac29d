// Metrics charts: each <canvas data-chart="volume|quality" data-source="ID"> draws the JSON
// of <script type="application/json" id="ID">. Needs Chart.js (static/vendor, `make assets`);
// without it nothing is drawn and the tables below carry the same numbers.
(function () {
  "use strict";
  var made = [];

  function pct(v) { return v === null ? null : v * 100; }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) { return; }
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var config;
    if (canvas.dataset.chart === "volume") {
      config = {
        type: "bar",
        data: { labels: data.labels, datasets: [
          { label: "Offered", data: data.offered, backgroundColor: "#9db7e0" },
          { label: "Answered", data: data.answered, backgroundColor: "#1f5fbf" }
        ] },
        options: { animation: false, responsive: true, maintainAspectRatio: false,
                   scales: { y: { beginAtZero: true, title: { display: true, text: "contacts" } } } }
      };
    } else {
      config = {
        type: "line",
        data: { labels: data.labels, datasets: [
          { label: "Service level %", data: data.service_level.map(pct), borderColor: "#1e7f4f", yAxisID: "y", spanGaps: false },
          { label: "Abandon rate %", data: data.abandon_rate.map(pct), borderColor: "#c0392b", yAxisID: "y", spanGaps: false },
          { label: "ASA (s)", data: data.asa_s, borderColor: "#b7791f", yAxisID: "y1", spanGaps: false }
        ] },
        options: { animation: false, responsive: true, maintainAspectRatio: false,
                   scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } },
                             y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                                   title: { display: true, text: "seconds" } } } }
      };
    }
    made.push(new window.Chart(canvas, config));
    canvas.dataset.drawn = "1";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  // Pages swapped in by htmx (hx-boost) bring new canvases.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
