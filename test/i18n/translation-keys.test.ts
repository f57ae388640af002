import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedT, languages, loadResources } from '../../src/i18n/index.ts';
import { METHOD_LABELS } from '../../src/sales/method-labels.ts';
import { AUDIT_KINDS } from '../../src/audit/audit-kinds.ts';
import { PRESET_LABELS } from '../../src/balance/presets.ts';

// Every key the code and the views use must be in every language. Keys are the English text
// (English needs only its plural forms); a key used with { count } needs its plural forms.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.parentPath.includes(`${path.sep}generated`))
    .map((e) => path.join(e.parentPath, e.name));
}

const call = /(?<![\w.$])t\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")(\s*,\s*\{[^)]*\bcount\b)?/g;

/** key → whether it is used with a count. */
function usedKeys(): Map<string, boolean> {
  const keys = new Map<string, boolean>();
  for (const file of [...filesUnder('views', '.ejs'), ...filesUnder('src', '.ts')]) {
    for (const m of readFileSync(file, 'utf8').matchAll(call)) {
      const key = (m[1] ?? m[2]!).replace(/\\(['"\\])/g, '$1');
      keys.set(key, (keys.get(key) ?? false) || m[3] !== undefined);
    }
  }
  return keys;
}

// Text that reaches t() through a variable: page titles set by routers, enum values, labels.
const dynamicKeys = [
  ...Object.values(METHOD_LABELS),
  ...Object.values(AUDIT_KINDS),
  ...Object.values(PRESET_LABELS),
  // The invoice's column heads and totals.
  ...[
    'Description',
    'Qty',
    'Unit price',
    'Disc.',
    'Net',
    'Rate',
    'Tax',
    'Total',
    'Tax rate',
    'Discounts',
    'Subtotal (net)',
    'Paid',
    'Amount due',
  ],
  // The purchase order PDF's column heads.
  ...['Product', 'Your code', 'Quantity', 'Unit cost', 'Total'],
  ...['Dashboard', 'Products', 'Till', 'Categories', 'Units', 'Business', 'Purchasing'],
  ...['confirmed', 'cancelled', 'owner', 'manager', 'staff', 'refunded', 'customer credit', 'nothing to give back'],
  ...['Bad request', 'Forbidden', 'Page not found', 'Conflict', 'Too large', 'Check the form', 'Too many attempts', 'Service unavailable'],
  ...['Something went wrong', 'Error', 'Something went wrong on our side. It has been logged; please try again.'],
  ...['Sales', 'New sale', 'Speed-up store', 'Close the till', 'Till closes', 'Users', 'Two-factor sign-in', 'Audit log', 'Customers'],
  ...['Balance', 'Balance detail', 'Print labels', 'Payments', 'Register a payment', 'Dashboard', 'Language'],
  ...['Profit', 'Profit and stock value', 'Signed-in users and the business'],
  // The signed-out password pages (titles, intros, buttons and answers set by their router) and the alerts page.
  ...['Accept the invitation', 'Choose the password you will sign in with.', 'Set my password', 'Choose a new password'],
  ...['Setting a new password signs you out everywhere.', 'Set the new password'],
  'This link has expired or has already been used. Ask for a new one.',
  'If that address has an account here, we have sent it a link to reset the password. It works once, within 1 hour.',
  ...['E-mail alerts', 'You will get the low-stock e-mail once a day.', 'You will not get the low-stock e-mail.'],
  // The product import's fixed line and file messages (the view translates each).
  ...['Unit is required', 'The file has a header line but no products.', 'The file is empty: paste CSV text or choose a .csv file.'],
];

describe('translations', () => {
  const resources = loadResources();
  const used = usedKeys();

  it('finds the keys of the views and the code', () => {
    expect(used.size).toBeGreaterThan(400);
    expect(used.get('Please correct the {{count}} fields marked below.')).toBe(true);
  });

  for (const lng of languages.filter((l) => l !== 'en')) {
    it(`has every used key in ${lng}`, () => {
      const table = resources[lng];
      const missing: string[] = [];
      for (const [key, counted] of used) {
        const needed = counted ? [`${key}_one`, `${key}_other`] : [key];
        for (const k of needed) if (!(k in table) || table[k] === '') missing.push(k);
      }
      for (const key of dynamicKeys) if (!(key in table)) missing.push(key);
      expect(missing).toEqual([]);
    });
  }

  it('has English plural forms for every counted key', () => {
    const missing = [...used]
      .filter(([, counted]) => counted)
      .flatMap(([key]) => [`${key}_one`, `${key}_other`].filter((k) => !(k in resources.en)));
    expect(missing).toEqual([]);
  });

  it('reads English as written, and the others in their language', () => {
    expect(fixedT('en')('New sale')).toBe('New sale');
    expect(fixedT('en')('{{count}} products', { count: 1 })).toBe('1 product');
    expect(fixedT('es')('New sale')).toBe('Nueva venta');
    expect(fixedT('pt-BR')('{{count}} products', { count: 2 })).toBe('2 produtos');
  });
});
