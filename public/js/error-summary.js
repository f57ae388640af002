// After a refused save the page comes back with a summary of what to correct at the top of
// the form: the focus goes there, so a keyboard or screen-reader user starts from it rather
// than from wherever the page left them (no inline scripts: CSP).
(function () {
  'use strict';
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
