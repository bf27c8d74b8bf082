/* Gendan's few lines of JavaScript: draw the charts the server describes, submit a
   form when its select changes, ask before a dangerous action, open the phone's menu,
   and keep the order line editor's totals in step when a line is removed. Everything else is htmx. */
(function () {
  "use strict";

  var PALETTE = ["#0f766e", "#2563eb", "#d97706", "#dc2626", "#7c3aed", "#0891b2",
                 "#65a30d", "#db2777", "#475569", "#ca8a04", "#059669", "#9333ea", "#e11d48"];

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function percentTicks(axis) {
    axis.ticks = Object.assign({}, axis.ticks, {
      callback: function (value) { return value + "%"; }
    });
  }

  function chartDefaults() {
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#475569";
  }

  // A part loaded on demand (htmx) may bring charts to a page that did not load Chart.js:
  // its element names the script (data-chart-src); it loads once, then draws them.
  var chartLoading = false;

  function loadChartJs(root) {
    var source = root.querySelector("[data-chart-src]");
    if (chartLoading || !source) { return; }
    chartLoading = true;
    var script = document.createElement("script");
    script.src = source.dataset.chartSrc;
    script.addEventListener("load", function () { chartDefaults(); drawCharts(document); });
    document.head.appendChild(script);
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") {
      if (root.querySelector("canvas[data-chart]")) { loadChartJs(root); }
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var config = JSON.parse(source.textContent);
      config.data.datasets.forEach(function (ds, i) {
        var colour = PALETTE[i % PALETTE.length];
        var line = (ds.type || config.type) === "line";
        if (ds.perBar) {
          ds.backgroundColor = config.data.labels.map(function (_, j) {
            return withAlpha(PALETTE[j % PALETTE.length], 0.8);
          });
          delete ds.perBar;
        } else {
          ds.borderColor = ds.borderColor || colour;
          ds.backgroundColor = ds.backgroundColor || withAlpha(colour, line ? 0.15 : 0.8);
          if (line) { ds.borderWidth = 2; ds.tension = 0.2; }
        }
        if (ds.type === "line") { ds.order = -1; }
      });
      var scales = (config.options && config.options.scales) || {};
      Object.keys(scales).forEach(function (key) {
        if (scales[key].percent) { delete scales[key].percent; percentTicks(scales[key]); }
      });
      config.options = Object.assign(
        { responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false } },
        config.options || {});
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.Chart) { chartDefaults(); }
    drawCharts(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });

  // <select data-autosubmit>: submit its form on change (the language switch, filters).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.requestSubmit();
    }
  });

  // <form data-confirm="…">: ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);

  // On a phone the sidebar is a top bar: its button opens and closes the menu.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var open = toggle.closest(".sidebar").classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // The line editor: a removed line is gone at once; the totals are asked again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-line]");
    if (!button) { return; }
    event.preventDefault();
    var row = button.closest("tr");
    var body = row.parentNode;
    row.remove();
    if (window.htmx) { window.htmx.trigger(document.body, "lines-changed"); }
    if (!body.querySelector("tr")) {
      var add = document.getElementById("add-line");
      if (add) { add.click(); }
    }
  });
})();
