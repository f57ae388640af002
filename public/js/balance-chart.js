// Draws the balance chart from the JSON block the page carries (no inline script: CSP).
// Readable without colour: sales are solid bars, payments hatched bars, the open balance a
// dashed line with square markers; the legend says so and the table holds the numbers.
(function () {
  'use strict';
  var dataEl = document.getElementById('balance-data');
  var canvas = document.getElementById('balance-chart');
  if (!dataEl || !canvas || typeof window.Chart !== 'function') return;
  var d = JSON.parse(dataEl.textContent || '{}');
  // The axes in the page's locale and currency, with the server's Intl options; the
  // tooltips show the table's own text.
  var moneyOptions = JSON.parse(canvas.dataset.moneyOptions || '{}');
  var axisMoney = new Intl.NumberFormat(
    canvas.dataset.locale,
    Object.assign({}, moneyOptions, { maximumFractionDigits: 0, minimumFractionDigits: 0 }),
  );
  var tick = function (value) {
    return axisMoney.format(value);
  };
  var toNumbers = function (xs) {
    return xs.map(function (s) {
      return Number(s);
    });
  };

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
    ctx.moveTo(0, 8);
    ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2);
    ctx.lineTo(2, -2);
    ctx.moveTo(6, 10);
    ctx.lineTo(10, 6);
    ctx.stroke();
    return canvas.getContext('2d').createPattern(tile, 'repeat');
  }

  // The words in the page's language (data-words on the canvas, from the server), by role.
  var words = JSON.parse(canvas.getAttribute('data-words') || '{}');
  var w = function (key, english) {
    return words[key] || english;
  };
  var salesLabel = w('sales', 'Sales (solid bars)');
  var paymentsLabel = w('payments', 'Payments (hatched bars)');
  var balanceLabel = w('balance', 'Open balance (line)');
  // The amounts as the table writes them (the app's money format), by dataset.
  var shown = {};
  shown[salesLabel] = d.salesText;
  shown[paymentsLabel] = d.paymentsText;
  shown[balanceLabel] = d.balanceText;
  var many = d.labels.length > 45;
  var chart = new window.Chart(canvas, {
    data: {
      labels: d.labels,
      datasets: [
        // Bars on their own scale (left), the open balance on the right: the balance is usually
        // far larger than a day's sales and would flatten the bars to hairlines.
        {
          type: 'bar',
          label: salesLabel,
          data: toNumbers(d.sales),
          backgroundColor: '#1f5f8b',
          borderColor: '#1f5f8b',
          borderWidth: 1,
          order: 2,
          yAxisID: 'y',
          categoryPercentage: many ? 0.95 : 0.8,
          barPercentage: many ? 1 : 0.9,
        },
        {
          type: 'bar',
          label: paymentsLabel,
          data: toNumbers(d.payments),
          backgroundColor: hatch('#1e7a3c'),
          borderColor: '#1e7a3c',
          borderWidth: 1,
          order: 3,
          yAxisID: 'y',
          categoryPercentage: many ? 0.95 : 0.8,
          barPercentage: many ? 1 : 0.9,
        },
        {
          type: 'line',
          label: balanceLabel,
          data: toNumbers(d.balance),
          borderColor: '#8a5a00',
          backgroundColor: '#8a5a00',
          borderDash: [6, 3],
          pointStyle: 'rect',
          pointRadius: d.labels.length > 60 ? 0 : 3,
          tension: 0,
          order: 1,
          yAxisID: 'y1',
        },
      ],
    },
    options: {
      locale: canvas.dataset.locale,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      // A click on a bucket opens its sales and payments (the table's links go to the same page).
      onClick: function (_event, elements) {
        if (elements.length && d.detail[elements[0].index]) window.location.assign(d.detail[elements[0].index]);
      },
      onHover: function (event, elements) {
        if (event.native && event.native.target) event.native.target.style.cursor = elements.length ? 'pointer' : 'default';
      },
      plugins: {
        legend: { labels: { usePointStyle: false } },
        tooltip: {
          callbacks: {
            label: function (item) {
              var values = shown[item.dataset.label] || [];
              return item.dataset.label.replace(/ \(.*\)$/, '') + ': ' + values[item.dataIndex];
            },
          },
        },
      },
      scales: {
        x: { ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          beginAtZero: true,
          position: 'left',
          ticks: { callback: tick },
          title: { display: true, text: w('salesAndPayments', 'Sales and payments') },
        },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          ticks: { callback: tick },
          title: { display: true, text: w('openBalance', 'Open balance') },
        },
      },
    },
  });
  canvas.dataset.ready = 'true';
  window.balanceChart = chart;
})();
