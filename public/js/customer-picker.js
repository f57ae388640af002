/* global Event */
// Customer pickers (the sale and payment forms, the sales and payments filters; no inline
// scripts: CSP). The server lists the first customers and the one chosen; this shows the
// search box and, as someone types a name, email or phone, asks the server for the customers
// that match, so any number of them can be found. What the list holds is said under it (the
// server's words, in the page's language). Typing picks the first match unless the customer
// chosen matches too; Enter goes from the box to the list. Without the script the select
// works as it is, and its note says where the customers not listed are found.
(function () {
  'use strict';
  for (const picker of document.querySelectorAll('[data-customer-picker]')) {
    const box = picker.querySelector('[data-picker-search]');
    const input = box.querySelector('input');
    const select = picker.querySelector('select');
    const status = picker.querySelector('[data-picker-status]');
    const limitText = picker.dataset.limitText;
    const blank = select.options[0];
    box.hidden = false;
    status.textContent = status.dataset.scriptText || '';

    const optionOf = (c) => {
      const o = document.createElement('option');
      o.value = String(c.id);
      o.textContent = limitText && c.limitReached ? `${c.label} · ${limitText}` : c.label;
      if (c.limitReached) o.dataset.limitReached = '';
      return o;
    };

    let asked = 0;
    async function find(q) {
      const n = ++asked;
      let data;
      try {
        const res = await fetch(`${picker.dataset.searchUrl}?q=${encodeURIComponent(q)}`, {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!res.ok) return;
        data = await res.json();
      } catch {
        return; // offline: the list stays as it is
      }
      if (n !== asked) return; // a later search is on its way
      const before = select.value;
      const chosen = select.selectedOptions[0];
      const found = data.customers.map(optionOf);
      const isFound = (value) => found.some((o) => o.value === value);
      const next = q && found.length && !isFound(before) ? found[0].value : before;
      // The customer chosen stays listed while nothing else replaces it.
      const keep = before && next === before && !isFound(before) ? [chosen] : [];
      select.replaceChildren(blank, ...keep, ...found);
      select.value = next;
      status.textContent = data.status;
      if (next !== before) select.dispatchEvent(new Event('change', { bubbles: true }));
    }

    let timer;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => find(input.value.trim()), 200);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.isComposing || e.ctrlKey || e.metaKey) return;
      // Not the form's submit: the box is for finding, the list for choosing.
      e.preventDefault();
      select.focus();
    });
  }
})();
