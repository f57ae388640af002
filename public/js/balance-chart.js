// Draws the balance chart from the JSON block the page carries (no inline script: CSP).
// Readable without colour: sales are solid bars, payments hatched bars, the open balance a
// dashed line with square markers; the legend says so and the table holds the numbers.
(function () {
  'use strict';
  var dataEl = document.getElementById('balance-data');
  var canvas = document.getElementById('balance-chart');
  if (!dataEl || !canvas || typeof window.Chart !== 'function') return;
  var d = JSON.parse(dataEl.textContent || '{}');
  var toNumbers = function (xs) { return xs.map(function (s) { return Number(s); }); };

  function hatch(colour) {
    var tile = document.createElement('canvas');
    tile.width = 8;
    tile.height = 8;
    var ctx = tile.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, 8); ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
    ctx.moveTo(6, 10); ctx.lineTo(10, 6);
    ctx.stroke();
    return canvas.getContext('2d').createPattern(tile, 'repeat');
  }

  var exact = { 'Sales (solid bars)': d.sales, 'Payments (hatched bars)': d.payments, 'Open balance (line)': d.balance };
  var chart = new window.Chart(canvas, {
    data: {
      labels: d.labels,
      datasets: [
        { type: 'bar', label: 'Sales (solid bars)', data: toNumbers(d.sales), backgroundColor: '#1f5f8b', borderColor: '#1f5f8b', borderWidth: 1, order: 2 },
        { type: 'bar', label: 'Payments (hatched bars)', data: toNumbers(d.payments), backgroundColor: hatch('#1e7a3c'), borderColor: '#1e7a3c', borderWidth: 1, order: 3 },
        { type: 'line', label: 'Open balance (line)', data: toNumbers(d.balance), borderColor: '#8a5a00', backgroundColor: '#8a5a00', borderDash: [6, 3], pointStyle: 'rect', pointRadius: d.labels.length > 60 ? 0 : 3, tension: 0, order: 1 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { labels: { usePointStyle: false } },
        tooltip: {
          callbacks: {
            label: function (item) {
              var values = exact[item.dataset.label] || [];
              return item.dataset.label.replace(/ \(.*\)$/, '') + ': ' + d.currency + ' ' + values[item.dataIndex];
            },
          },
        },
      },
      scales: { x: { ticks: { autoSkip: true, maxRotation: 0 } }, y: { beginAtZero: true } },
    },
  });
  canvas.dataset.ready = 'true';
  window.balanceChart = chart;
})();
