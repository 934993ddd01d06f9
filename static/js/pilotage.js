// Draws the charts of /pilotage/ with Chart.js (static/vendor/chartjs), from the data each
// figure carries in a json_script block (no inline script: the CSP allows none). The same
// figures are in the table under each chart, which is all a page without JavaScript shows.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // Each at least 3:1 against white (WCAG 1.4.11, graphical objects), and told apart by
  // more than hue: the tables carry the exact figures.
  var COLOURS = ["#1d3a6e", "#b35c00", "#1b6e3a", "#7b2d8e", "#a11d1d", "#4a5a6a"];
  var INK = "#1b1b1b";
  var GRID = "#c9ced6";

  window.Chart.defaults.color = INK;
  window.Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
  window.Chart.defaults.animation = false;
  window.Chart.defaults.maintainAspectRatio = false;

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: spec.stacked,
      grid: { color: GRID },
      title: { display: Boolean(spec.unit), text: spec.unit },
      ticks: { precision: spec.unit ? 1 : 0 },
    };
    scales[categoryAxis] = { stacked: spec.stacked, grid: { display: false } };
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (serie, index) {
          return {
            label: serie.label,
            data: serie.data,
            backgroundColor: COLOURS[index % COLOURS.length],
            borderColor: COLOURS[index % COLOURS.length],
            borderWidth: 1,
          };
        }),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        scales: scales,
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
