/* Charts of the results pages, drawn with Chart.js (served from node_modules, no CDN).
 *
 * Each <canvas data-chart="ID"> reads its data from the <script type="application/json" id="ID">
 * block that Django's json_script writes next to it: {type, title, labels, values, ns, lowN}.
 * Values are percentages (null: no data); a figure below the minimum n is drawn grey. Every chart
 * is followed by a table with the same numbers, for screen readers and for printing.
 */
(function () {
  "use strict";

  var BLUE = "rgba(13, 110, 253, 0.8)";
  var GREY = "rgba(108, 117, 125, 0.45)";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var locale = document.documentElement.lang || "vi";
    var number = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    var line = data.type === "line";
    var colours = data.values.map(function (_value, i) {
      return data.lowN[i] ? GREY : BLUE;
    });
    var valueAxis = {
      min: 0,
      max: 100,
      ticks: {
        callback: function (value) {
          return value + " %";
        },
      },
    };
    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.title,
            data: data.values,
            backgroundColor: line ? BLUE : colours,
            borderColor: BLUE,
            pointBackgroundColor: colours,
            spanGaps: false,
          },
        ],
      },
      options: {
        indexAxis: line ? "x" : "y",
        locale: locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: line ? { y: valueAxis } : { x: valueAxis },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                if (context.raw === null) {
                  return "—";
                }
                return number.format(context.raw) + " % (n = " + data.ns[context.dataIndex] + ")";
              },
            },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
