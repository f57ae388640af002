/* global HTMLFormElement, HTMLInputElement, Event */
// Catalog pages' small progressive enhancements (no inline scripts: CSP).
// 1. Forms with data-confirm ask before submitting (deletes).
// 2. A file input with data-fills="<textarea id>" puts the chosen file's text there,
//    so a CSV can be chosen instead of pasted without a multipart upload.
(function () {
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.dataset.fills) return;
    var target = document.getElementById(input.dataset.fills);
    var file = input.files && input.files[0];
    if (!target || !file) return;
    file.text().then(function (text) {
      target.value = text;
      target.dispatchEvent(new Event('input', { bubbles: true }));
    });
  });
})();
