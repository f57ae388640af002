// The sale form's helper (no inline scripts: CSP). Without it the form still works: blank
// lines are ignored, blank quantities are 1, totals come after confirming. With it:
//  - every amount on the page comes from the server's preview (POST /sales/preview), which
//    prices the lines with the code that confirms: what is shown is what will be recorded;
//  - a barcode scanner (the code, then Enter) or the keyboard fills one line after another:
//    Enter in a line goes to the next line instead of sending the form, the same product
//    again adds to its line, an unknown code says so on its line; Ctrl+Enter confirms;
//  - the cash field shows the change due (the customer picker is customer-picker.js).
(function () {
  'use strict';
  const form = document.getElementById('sale-form');
  if (!form) return;
  const body = document.getElementById('sale-lines');
  const list = document.getElementById('product-options');
  const announcer = document.getElementById('sale-announcer');
  const submit = form.querySelector('[data-confirm]');
  const payNow = document.getElementById('sale-paynow');
  // Amounts and quantities written in the browser use the page's locale and Intl options
  // (the server's), so the suggestions read as the rest of the page.
  const moneyText = new Intl.NumberFormat(form.dataset.locale, JSON.parse(form.dataset.moneyOptions || '{}'));
  const quantityText = new Intl.NumberFormat(form.dataset.locale, { maximumFractionDigits: 3 });
  const decimalMark = form.dataset.decimal || '.';
  const rows = () => [...body.querySelectorAll('[data-line]')];
  const field = (row, name) => row.querySelector(`[data-field="${name}"]`);
  const say = (text) => {
    // The same words twice are announced twice: clear first.
    announcer.textContent = '';
    setTimeout(() => (announcer.textContent = text), 30);
  };

  // --- preview: the server prices the form as it stands ---------------------------------
  let latest = null; // the last preview applied
  let inFlight = null;
  let again = false;
  let timer;

  function apply(p) {
    latest = p;
    rows().forEach((row, i) => {
      const line = p.lines.find((l) => l.row === i);
      row.querySelector('[data-line-name]').textContent = line ? `${line.product.name} · ${line.product.sku}` : '';
      row.querySelector('[data-line-total]').textContent = line ? line.total : '';
      const messages = Object.entries(p.errors)
        .filter(([k]) => k.startsWith(`lines.${i}.`))
        .map(([, m]) => m);
      row.querySelector('[data-line-message]').textContent = messages.join(' ');
    });
    // Nothing priced yet (an empty form, or a page sent back while its lines are re-read):
    // blank, as the server renders it, never a passing "0.00" total.
    form.querySelector('[data-subtotal]').textContent = p.priced ? p.subtotal : '';
    form.querySelector('[data-tax]').textContent = p.priced ? p.tax : '';
    form.querySelector('[data-total] strong').textContent = p.priced ? p.total : '';
    form.querySelector('[data-change]').textContent = p.change || '';
    form.querySelector('[data-confirm-total]').textContent = p.priced ? ` · ${p.total}` : '';
    for (const el of form.querySelectorAll('[data-message]')) el.textContent = p.errors[el.dataset.message] || '';
  }

  async function fetchPreview() {
    const res = await fetch(form.dataset.preview, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (res.status !== 200 && res.status !== 422) throw new Error(`preview ${res.status}`);
    return res.json();
  }

  /** A preview of the form as it is now; a change made while one is on its way asks for another. */
  function refreshNow() {
    clearTimeout(timer);
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          const p = await fetchPreview();
          if (!again) apply(p);
        } while (again);
        return latest;
      } catch {
        return null; // offline or refused: the plain form still works
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }
  const refreshSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(refreshNow, 250);
  };

  // --- product suggestions ------------------------------------------------------------
  let searchTimer;
  let lastQuery = null;
  function search(q) {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      if (q === lastQuery) return;
      lastQuery = q;
      try {
        const res = await fetch(`/sales/product-search?q=${encodeURIComponent(q)}`, {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!res.ok) return;
        const data = await res.json();
        list.replaceChildren(
          ...data.products.map((p) => {
            const o = document.createElement('option');
            o.value = p.sku;
            o.textContent = `${p.name} · ${moneyText.format(p.price)} · ${quantityText.format(p.available)} ${p.unit} in stock`;
            return o;
          }),
        );
      } catch {
        /* the server-rendered suggestions stay */
      }
    }, 150);
  }

  // --- lines ----------------------------------------------------------------------------
  // Renumber names (lines[i][field]), ids and labels so the server sees lines in order.
  function renumber() {
    rows().forEach((row, i) => {
      for (const el of row.querySelectorAll('[name^="lines["]')) el.name = el.name.replace(/^lines\[\d+\]/, `lines[${i}]`);
      for (const el of row.querySelectorAll('[id^="line-"]')) {
        const label = row.querySelector(`label[for="${el.id}"]`);
        el.id = el.id.replace(/^line-\d+-/, `line-${i}-`);
        if (label) {
          label.htmlFor = el.id;
          label.textContent = label.textContent.replace(/line \d+$/, `line ${i + 1}`);
        }
      }
      const remove = row.querySelector('[data-remove-line] .visually-hidden');
      if (remove) remove.textContent = ` line ${i + 1}`;
    });
  }

  function addLine() {
    const all = rows();
    const row = all[all.length - 1].cloneNode(true);
    for (const el of row.querySelectorAll('input')) {
      el.value = '';
      el.removeAttribute('aria-invalid');
      if (el.dataset.field === 'product') el.setAttribute('aria-describedby', 'lines-hint');
      else el.removeAttribute('aria-describedby');
    }
    for (const el of row.querySelectorAll('.field-error')) el.remove();
    for (const el of row.querySelectorAll('[data-line-name], [data-line-total], [data-line-message]')) el.textContent = '';
    body.appendChild(row);
    renumber();
    return row;
  }

  const isEmpty = (row) => ['product', 'quantity', 'unitPrice', 'discountPct', 'taxRate'].every((f) => !field(row, f).value.trim());
  /** The next empty line after `row` (a new one when there is none). */
  function nextEmptyLine(row) {
    const all = rows();
    return all.slice(all.indexOf(row) + 1).find(isEmpty) || addLine();
  }

  // "12.5" + "1" without floats: both as integers scaled to the longer fraction. Typed with
  // the page's decimal mark ("12,5" in a decimal-comma locale), written back with it.
  function addQuantities(a, b) {
    const parse = (t) => {
      const m = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec((t || '1').replace(decimalMark, '.'));
      return m ? { int: m[1] || '0', frac: m[2] || '' } : null;
    };
    const x = parse(a);
    const y = parse(b);
    if (!x || !y) return null;
    const d = Math.max(x.frac.length, y.frac.length);
    const sum = BigInt(x.int + x.frac.padEnd(d, '0')) + BigInt(y.int + y.frac.padEnd(d, '0'));
    const s = sum.toString().padStart(d + 1, '0');
    return (d ? `${s.slice(0, -d)}.${s.slice(-d)}`.replace(/\.?0+$/, '') : s).replace('.', decimalMark);
  }

  /** Enter in a product box: resolve it, add it to its product's line if there is one, go to the next line. */
  async function enterProduct(row) {
    const input = field(row, 'product');
    if (!input.value.trim()) return;
    const p = await refreshNow();
    if (!p) return nextEmptyLine(row).querySelector('[data-field="product"]').focus();
    const i = rows().indexOf(row);
    const line = p.lines.find((l) => l.row === i);
    if (!line) {
      // The message is on the line (aria-live); the code stays selected for the next scan.
      input.select();
      return;
    }
    const plain = ['unitPrice', 'discountPct', 'taxRate'].every((f) => !field(row, f).value.trim());
    const earlier = p.lines.find((l) => l.row !== i && l.product.id === line.product.id);
    if (plain && earlier) {
      const target = rows()[earlier.row];
      const sum = addQuantities(field(target, 'quantity').value, field(row, 'quantity').value);
      if (sum !== null) {
        field(target, 'quantity').value = sum;
        for (const f of ['product', 'productId', 'quantity']) field(row, f).value = '';
        say(`${line.product.name}: quantity ${sum}`);
        refreshNow();
        input.focus();
        return;
      }
    }
    say(`${line.product.name} added, ${line.total}`);
    nextEmptyLine(row).querySelector('[data-field="product"]').focus();
  }

  form.addEventListener('keydown', (e) => {
    // defaultPrevented: the customer picker's search box took its Enter already.
    if (e.key !== 'Enter' || e.isComposing || e.defaultPrevented) return;
    const t = e.target;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      form.requestSubmit(submit);
      return;
    }
    // Enter in a text box never sends the whole sale (a scanner ends every code with it).
    if (t.tagName !== 'INPUT') return;
    e.preventDefault();
    const row = t.closest('[data-line]');
    // Outside the lines (the cash box): to Confirm.
    if (!row) return submit.focus();
    if (t.dataset.field === 'product') enterProduct(row);
    else nextEmptyLine(row).querySelector('[data-field="product"]').focus();
  });

  body.addEventListener('input', (e) => {
    const t = e.target;
    if (t.dataset && t.dataset.field === 'product') {
      field(t.closest('[data-line]'), 'productId').value = '';
      search(t.value.split(' — ')[0].trim());
    }
    refreshSoon();
  });
  form.addEventListener('change', refreshSoon);
  body.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-remove-line]');
    if (!btn) return;
    const all = rows();
    if (all.length <= 1) {
      for (const el of all[0].querySelectorAll('input')) el.value = '';
    } else btn.closest('[data-line]').remove();
    renumber();
    refreshNow();
  });
  const add = form.querySelector('[data-add-line]');
  add.hidden = false;
  add.addEventListener('click', () => field(addLine(), 'product').focus());
  for (const b of form.querySelectorAll('[data-remove-line]')) b.hidden = false;

  // --- cash: the tendered amount only matters when paid now in cash ---------------------
  const cashOnly = () => {
    for (const el of form.querySelectorAll('[data-cash-only]')) el.hidden = payNow.value !== 'cash';
  };
  payNow.addEventListener('change', cashOnly);
  cashOnly();

  // A double click on "Confirm" sends one request (the server would record one sale anyway).
  form.addEventListener('submit', () => {
    setTimeout(() => (submit.disabled = true), 0);
  });
  // Back to this page from the browser's cache: the button works again (a resubmission of
  // the same form leads to the sale it already recorded).
  window.addEventListener('pageshow', () => (submit.disabled = false));
  refreshNow();
})();
