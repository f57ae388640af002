// The sale form's small helper (no inline scripts: CSP). Without it the form still works:
// blank lines are ignored, blank prices and taxes take the product's, totals come after
// confirming. With it: add and remove lines, product suggestions as you type, live line,
// tax and grand totals. Amounts are computed in integer cents with BigInt, never floats,
// with the server's rule: net and tax of each line rounded half-up to cents.
(function () {
  'use strict';
  const form = document.getElementById('sale-form');
  if (!form) return;
  const body = document.getElementById('sale-lines');
  const list = document.getElementById('product-options');
  const defaultTax = form.dataset.defaultTax || '0';
  const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: form.dataset.currency || 'USD' });
  const products = new Map(); // lower-case SKU → { sku, name, price, taxRate }

  // "12.345" → [12345n, 3] ; null when not a plain non-negative decimal.
  function parse(text) {
    const m = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(text || '');
    if (!m || (m[1] === '' && !m[2])) return null;
    const frac = m[2] || '';
    return [BigInt((m[1] || '0') + frac), frac.length];
  }
  const pow10 = (n) => 10n ** BigInt(n);
  // Rounds numerator/denominator half-up to an integer (both non-negative).
  const divRound = (num, den) => (num * 2n + den) / (den * 2n);
  function cents(c) {
    const neg = c < 0n;
    const a = neg ? -c : c;
    const s = `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
    return money.format(s);
  }

  function field(row, name) {
    return row.querySelector(`[data-field="${name}"]`);
  }
  function productOf(row) {
    const text = (field(row, 'product').value || '').split(' — ')[0].trim().toLowerCase();
    return products.get(text);
  }

  function lineCents(row) {
    const p = productOf(row);
    const q = parse(field(row, 'quantity').value);
    const price = parse(field(row, 'unitPrice').value || (p ? p.price : ''));
    const disc = parse(field(row, 'discountPct').value || '0');
    const tax = parse(field(row, 'taxRate').value || (p && p.taxRate) || defaultTax);
    if (!q || !price || !disc || !tax) return null;
    // net = q × price × (100 − disc) / 100, in cents, half-up.
    const discScaled = 100n * pow10(disc[1]) - disc[0]; // (100 − disc) × 10^d
    if (discScaled < 0n) return null;
    const num = q[0] * price[0] * discScaled * 100n;
    const den = pow10(q[1] + price[1] + disc[1]) * 100n;
    const net = divRound(num, den);
    const taxCents = divRound(net * tax[0], pow10(tax[1]) * 100n);
    return { net, tax: taxCents };
  }

  function recalc() {
    let net = 0n;
    let tax = 0n;
    for (const row of body.querySelectorAll('[data-line]')) {
      const cell = row.querySelector('[data-line-total]');
      const t = lineCents(row);
      if (t) {
        net += t.net;
        tax += t.tax;
      }
      cell.textContent = t ? cents(t.net + t.tax) : '';
      const p = productOf(row);
      field(row, 'unitPrice').placeholder = p ? p.price : 'product price';
      field(row, 'taxRate').placeholder = p ? p.taxRate || defaultTax : 'default';
    }
    form.querySelector('[data-subtotal]').textContent = cents(net);
    form.querySelector('[data-tax]').textContent = cents(tax);
    form.querySelector('[data-total] strong').textContent = cents(net + tax);
  }

  function remember(items) {
    for (const p of items) products.set(p.sku.toLowerCase(), p);
  }
  function fillList(items) {
    list.replaceChildren(
      ...items.map((p) => {
        const o = document.createElement('option');
        o.value = p.sku;
        o.textContent = `${p.name} · ${money.format(p.price)} · ${p.available} ${p.unit} in stock`;
        return o;
      }),
    );
  }

  let timer;
  let lastQuery = null;
  function search(q) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (q === lastQuery) return;
      lastQuery = q;
      try {
        const res = await fetch(`/sales/product-search?q=${encodeURIComponent(q)}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!res.ok) return;
        const data = await res.json();
        remember(data.products);
        fillList(data.products);
        recalc();
      } catch {
        /* offline: the plain form still works */
      }
    }, 150);
  }

  // Renumber names (lines[i][field]) and ids so the server sees lines in order.
  function renumber() {
    [...body.querySelectorAll('[data-line]')].forEach((row, i) => {
      for (const el of row.querySelectorAll('[name^="lines["]')) el.name = el.name.replace(/^lines\[\d+\]/, `lines[${i}]`);
      for (const el of row.querySelectorAll('[id^="line-"]')) {
        const label = row.querySelector(`label[for="${el.id}"]`);
        el.id = el.id.replace(/^line-\d+-/, `line-${i}-`);
        if (label) label.htmlFor = el.id;
      }
    });
  }

  function addLine() {
    const rows = body.querySelectorAll('[data-line]');
    const row = rows[rows.length - 1].cloneNode(true);
    for (const el of row.querySelectorAll('input')) {
      el.value = '';
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
    for (const el of row.querySelectorAll('.field-error')) el.remove();
    body.appendChild(row);
    renumber();
    recalc();
    field(row, 'product').focus();
  }

  body.addEventListener('input', (e) => {
    const t = e.target;
    if (t.dataset && t.dataset.field === 'product') {
      const row = t.closest('[data-line]');
      field(row, 'productId').value = '';
      search(t.value.split(' — ')[0].trim());
    }
    recalc();
  });
  body.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-remove-line]');
    if (!btn) return;
    const rows = body.querySelectorAll('[data-line]');
    if (rows.length <= 1) {
      for (const el of rows[0].querySelectorAll('input')) el.value = '';
    } else btn.closest('[data-line]').remove();
    renumber();
    recalc();
  });
  const add = form.querySelector('[data-add-line]');
  add.hidden = false;
  add.addEventListener('click', addLine);
  for (const b of form.querySelectorAll('[data-remove-line]')) b.hidden = false;

  // The server-rendered suggestions seed the product map, then one search fills in details.
  remember([]);
  search('');
  // A double click on "Confirm" sends one request (the server would record one sale anyway).
  const submit = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', () => {
    setTimeout(() => (submit.disabled = true), 0);
  });
  // Back to this page from the browser's cache: the button works again (a resubmission of
  // the same form leads to the sale it already recorded).
  window.addEventListener('pageshow', () => (submit.disabled = false));
  recalc();
})();
