import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedT, languages, loadResources, say, withReaderLanguage } from '../../src/i18n/index.ts';
import { messageFormatter, withInputLocale } from '../../src/format/index.ts';
import { METHOD_LABELS } from '../../src/sales/method-labels.ts';
import { AUDIT_KINDS } from '../../src/audit/audit-kinds.ts';
import { PRESET_LABELS } from '../../src/balance/presets.ts';
import { projectRoot } from '../helpers/project-root.ts';

// Every key the code and the views use must be in every language. Keys are the English text
// (English needs only its plural forms); a key used with { count } needs its plural forms.

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(path.join(projectRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.parentPath.includes(`${path.sep}generated`))
    .map((e) => path.join(e.parentPath, e.name));
}

// `t('…')`, `req.t('…')` and `say('…')` (a message with values made in the reader's language,
// src/i18n/say.ts; `says('…')` is its zod form in src/db/fields.ts); the field helpers' labels (`moneyField('Price')`), which their messages name.
const call = /(?<![\w.$])(?:req\.)?(?:t|says?)\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")/g;
const label =
  /(?<![\w.$])(?:moneyField|quantityField|quantityChangeField|percentField|dayField|requiredText|optionalText)\(\s*'((?:[^'\\\n]|\\.)*)'/g;

/** The rest of a call's arguments after its key, to its closing parenthesis, without nested calls or strings. */
function restOfCall(text: string, from: number): string {
  let depth = 1;
  let quote: string | null = null;
  let out = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return out;
    else if (depth === 1) out += c;
  }
  return out;
}

/** key → whether it is used with a count (`{ count }` or `{ count: n }` among its values). */
function usedKeys(): Map<string, boolean> {
  const keys = new Map<string, boolean>();
  const unescape = (k: string) => k.replace(/\\(['"\\])/g, '$1');
  for (const file of [...filesUnder('views', '.ejs'), ...filesUnder('src', '.ts')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      const key = unescape(m[1] ?? m[2]!);
      const counted = /^\s*,[^{]*\{[\s\S]*?(?<![\w.$])count\s*[:,}]/.test(restOfCall(text, m.index + m[0].length));
      keys.set(key, (keys.get(key) ?? false) || counted);
    }
    for (const m of text.matchAll(label)) {
      const key = unescape(m[1]!);
      if (!keys.has(key)) keys.set(key, false);
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
  // The speed-up store's parts (src/admin/cache-warm.ts moduleLabels).
  ...['Balance figures', 'Product list', 'Categories', 'Units', 'Start page figures'],
  // The signed-out password pages (titles, intros, buttons and answers set by their router) and the alerts page.
  ...['Accept the invitation', 'Choose the password you will sign in with.', 'Set my password', 'Choose a new password'],
  ...['Setting a new password signs you out everywhere.', 'Set the new password'],
  'This link has expired or has already been used. Ask for a new one.',
  'If that address has an account here, we have sent it a link to reset the password. It works once, within 1 hour.',
  ...['E-mail alerts', 'You will get the low-stock e-mail once a day.', 'You will not get the low-stock e-mail.'],
  // The product import's fixed file messages (the view translates each), and the number columns its line messages name.
  ...['The file has a header line but no products.', 'The file is empty: paste CSV text or choose a .csv file.'],
  ...['Price', 'Cost', 'Tax rate', 'Reorder level', 'Quantity on hand'],
];

describe('translations', () => {
  const resources = loadResources();
  const used = usedKeys();

  it('finds the keys of the views and the code', () => {
    expect(used.size).toBeGreaterThan(400);
    expect(used.get('Please correct the {{count}} fields marked below.')).toBe(true);
    // Messages with values: made by `say` in services and schemas, by `req.t` in routers, counted or not.
    expect(used.get('{{field}} must be a number (decimals after “{{decimal}}”)')).toBe(false);
    expect(used.get('{{field}} can have at most {{count}} decimals')).toBe(true);
    expect(used.get('Only {{quantity}} {{unit}} of “{{name}}” in stock')).toBe(false);
    expect(used.get('Sale #{{number}} is already cancelled.')).toBe(false);
    expect(used.get('Unknown columns: {{names}}. Columns: {{columns}}.')).toBe(true);
    // A field helper's label is a key of its own: the messages name the field in the language.
    expect(used.has('Opening stock')).toBe(true);
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

  it('writes a message with values in the language of the request being handled, English outside one', async () => {
    const required = () => say('{{field}} is required', { field: say('Price') });
    expect(required()).toBe('Price is required');
    // Async continuations keep it (a service awaits the database between check and message).
    await withReaderLanguage(fixedT('pt-BR'), async () => {
      await Promise.resolve();
      expect(required()).toBe('Preço: campo obrigatório');
      expect(say('{{field}} can have at most {{count}} decimals', { field: say('Price'), count: 1 })).toBe(
        'Preço: no máximo 1 casa decimal',
      );
    });
    expect(required()).toBe('Price is required');
    // Numbers inside messages: the locale numbers are read in (the business's during a request).
    expect(messageFormatter().quantity('1234.5')).toBe('1,234.5');
    withInputLocale('pt-BR', () => expect(messageFormatter().quantity('1234.5')).toBe('1.234,5'));
  });
});
