// Print buttons (progressive: without this script the page says to use the browser's Print).
// On a thermal roll the page is as long as the receipt: set its height before printing.
(function () {
  'use strict';
  var buttons = document.querySelectorAll('[data-print]');
  if (!buttons.length || typeof window.print !== 'function') return;
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
  document.querySelectorAll('[data-print-hint]').forEach(function (hint) {
    hint.hidden = true;
  });

  var receipt = document.querySelector('.receipt[data-format="80mm"], .receipt[data-format="58mm"]');
  if (!receipt) return;
  var sheet = Array.prototype.find.call(document.styleSheets, function (s) {
    return /\/css\/receipt-/.test(s.href || '');
  });
  var width = receipt.getAttribute('data-format') === '58mm' ? '58mm' : '80mm';
  var rule = -1;
  window.addEventListener('beforeprint', function () {
    if (!sheet) return;
    // Measured in print layout (the receipt's own width); 1 mm = 96 / 25.4 CSS px.
    var mm = Math.ceil((receipt.getBoundingClientRect().height * 25.4) / 96) + 10;
    try {
      if (rule >= 0) sheet.deleteRule(rule);
      rule = sheet.insertRule('@page { size: ' + width + ' ' + mm + 'mm; margin: 0; }', sheet.cssRules.length);
    } catch {
      rule = -1;
    }
  });
})();
