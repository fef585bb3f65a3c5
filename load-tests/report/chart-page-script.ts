/**
 * The report page's own script: reads the chart specs from the JSON data block and hands them
 * to Chart.js (inlined before it as the global `Chart`). Plain ES2017 in a string rather than a
 * compiled function's toString(), so no transpiler or coverage instrumentation can change what
 * the browser runs. It never writes HTML: every string from the data ends up in canvas text.
 *
 * `animation: false` draws each chart in its first frame, so a screenshot taken after load is
 * complete and the same on every run. When all charts are drawn it sets
 * `data-charts-rendered` on <html>, which the browser test waits for.
 */
export const chartPageScript = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var x = data.x;
  var xMin = x.length > 0 ? x[0] : 0;
  var xMax = x.length > 0 ? x[x.length - 1] : 1;

  function round(v) {
    var a = Math.abs(v);
    return a >= 100 ? Math.round(v) : a >= 10 ? Math.round(v * 10) / 10 : Math.round(v * 100) / 100;
  }
  function withUnit(v, unit) {
    if (v === null || v === undefined || isNaN(v)) return '–';
    var n = round(v).toLocaleString('en-US');
    if (unit === 'ms') return n + ' ms';
    if (unit === '/s') return n + '/s';
    if (unit === '%') return n + '%';
    return n;
  }
  function axisOptions(axis, position) {
    return {
      type: 'linear',
      position: position,
      beginAtZero: true,
      suggestedMax: axis.suggestedMax,
      title: { display: true, text: axis.title, font: { weight: 'bold' } },
      ticks: { callback: function (v) { return withUnit(v, axis.unit); } },
      grid: position === 'left' ? { color: '#e2e8f0' } : { drawOnChartArea: false }
    };
  }

  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#334155';

  var rendered = 0;
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var units = { y: spec.y.unit, y2: spec.y2 ? spec.y2.unit : '' };
    var datasets = spec.lines.map(function (line) {
      return {
        label: line.label,
        yAxisID: line.axis,
        data: line.points.map(function (y, i) { return { x: x[i], y: y }; }),
        borderColor: line.color,
        backgroundColor: line.fill ? line.color.slice(0, 7) + '26' : line.color,
        borderDash: line.dash || [],
        borderWidth: line.width || 1.75,
        stepped: line.stepped ? 'after' : false,
        fill: line.fill ? 'origin' : false,
        pointRadius: 0,
        pointHitRadius: 6,
        spanGaps: false
      };
    });
    spec.limits.forEach(function (limit) {
      datasets.push({
        label: limit.label + (limit.failed ? ' (failed)' : ' (held)'),
        yAxisID: limit.axis,
        data: [{ x: xMin, y: limit.value }, { x: xMax, y: limit.value }],
        borderColor: limit.failed ? '#dc2626' : '#94a3b8',
        backgroundColor: limit.failed ? '#dc2626' : '#94a3b8',
        borderDash: [3, 3],
        borderWidth: 1.25,
        pointRadius: 0,
        fill: false
      });
    });
    var scales = {
      x: {
        type: 'linear',
        min: xMin,
        max: xMax,
        title: { display: true, text: 'time since start (s)', font: { weight: 'bold' } },
        ticks: { callback: function (v) { return Math.round(v * 10) / 10 + ' s'; } },
        grid: { color: '#f1f5f9' }
      },
      y: axisOptions(spec.y, 'left')
    };
    if (spec.y2) scales.y2 = axisOptions(spec.y2, 'right');
    new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        normalized: true,
        interaction: { mode: 'index', intersect: false },
        scales: scales,
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 24, boxHeight: 2, padding: 14 } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length > 0 ? 't = ' + Math.round(items[0].parsed.x * 10) / 10 + ' s' : ''; },
              label: function (item) { return item.dataset.label + ': ' + withUnit(item.parsed.y, units[item.dataset.yAxisID]); }
            }
          }
        }
      }
    });
    rendered += 1;
  });
  document.documentElement.setAttribute('data-charts-rendered', String(rendered));
})();
`;
