import { z } from 'zod';
import { Prisma } from '../generated/prisma/client.ts';
import { currentInputLocale, parseDecimal, type ParsedDecimal } from '../format/index.ts';
import { say } from '../i18n/index.ts';

// The field schemas every part's input shares (catalog, settings, sales, customers,
// payments, sign-in; the CSV import too), so a price, a quantity or a name is checked the
// same way and refused with the same message everywhere. Messages name the field. Numbers
// arrive as text in the reader's locale (src/format parseDecimal), become canonical text and
// stay text (then Prisma.Decimal): never through a float. Messages are made when a value is
// checked, in the reader's language (`say`), the field's name translated too: the schemas
// are built once at start-up, so each message is a function.

const Decimal = Prisma.Decimal;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** `{ error }` for a zod check: the message made when the check fails, with the field's name translated. */
const says = (key: string, label: string, values: Record<string, unknown> = {}) => ({
  error: () => say(key, { field: say(label), ...values }),
});

/** The message for a number `parseDecimal` refused, naming the field, in the reader's language. */
export function numberRefusal(label: string, read: Extract<ParsedDecimal, { ok: false }>): string {
  const field = say(label);
  if (read.reason === 'ambiguous')
    return say(
      '{{field}}: “{{text}}” could be {{whole}} or {{fraction}}: write {{whole}} without the “{{group}}”, or use “{{decimal}}” for decimals',
      { field, text: read.text, whole: read.whole, fraction: read.fraction, group: read.group, decimal: read.decimal },
    );
  if (read.namesMark) return say('{{field}} must be a number (decimals after “{{decimal}}”)', { field, decimal: read.decimal });
  return say('{{field}} must be a number', { field });
}

interface DecimalRules {
  decimals: number;
  integerDigits: number;
  /** Accept a leading '-' (a correction); otherwise a negative value is refused. */
  signed?: boolean;
}

/**
 * A decimal as canonical text: at most `integerDigits` digits before the point and
 * `decimals` after it; a leading '+' is accepted and dropped, leading zeros are dropped, the
 * typed decimals are kept ("+007.50" → "7.50", ".5" → "0.5", "3." → "3").
 */
function decimalText(label: string, { decimals, integerDigits, signed = false }: DecimalRules) {
  return z
    .string(says('{{field}} is required', label))
    .trim()
    .min(1, says('{{field}} is required', label))
    .transform((v, ctx) => {
      // Read as the reader writes numbers ("12,50" in a decimal-comma locale); canonical text after.
      const read = parseDecimal(v, currentInputLocale());
      if (read.ok) return read.value;
      ctx.addIssue({ code: 'custom', message: numberRefusal(label, read) });
      return z.NEVER;
    })
    .superRefine((v, ctx) => {
      const fail = (message: string) => void ctx.addIssue({ code: 'custom', message });
      const field = say(label);
      if (!DECIMAL.test(v)) return fail(say('{{field}} must be a number', { field }));
      if (!signed && v.startsWith('-')) return fail(say('{{field}} cannot be negative', { field }));
      const [int = '', frac = ''] = v.replace(/^[+-]/, '').split('.');
      if (frac.length > decimals)
        return fail(
          decimals === 0
            ? say('{{field}} must be a whole number', { field })
            : say('{{field}} can have at most {{count}} decimals', { field, count: decimals }),
        );
      if (int.replace(/^0+/, '').length > integerDigits) fail(say('{{field}} is too large', { field }));
    })
    .transform(canonicalDecimal);
}

function canonicalDecimal(v: string): string {
  const sign = v.startsWith('-') ? '-' : '';
  const [rawInt = '', frac = ''] = v.replace(/^[+-]/, '').split('.');
  const int = rawInt.replace(/^0+(?=\d)/, '') || '0';
  return sign + (frac ? `${int}.${frac}` : int);
}

const moreThanZero = (v: string) => new Decimal(v).greaterThan(0);

/** Money: at least 0 (or, with `positive`, more than 0), at most 2 decimals (numeric(14,2)). */
export const moneyField = (label: string, opts: { positive?: boolean } = {}) =>
  decimalText(label, { decimals: 2, integerDigits: 12 }).refine(
    (v) => !opts.positive || moreThanZero(v),
    says('{{field}} must be more than 0', label),
  );

/** A quantity: at least 0 (or, with `positive`, more than 0), at most 3 decimals (numeric(14,3)). */
export const quantityField = (label: string, opts: { positive?: boolean } = {}) =>
  decimalText(label, { decimals: 3, integerDigits: 11 }).refine(
    (v) => !opts.positive || moreThanZero(v),
    says('{{field}} must be more than 0', label),
  );

/** A change of quantity (a stock correction): signed, not zero, at most 3 decimals. */
export const quantityChangeField = (label: string) =>
  decimalText(label, { decimals: 3, integerDigits: 11, signed: true }).refine(
    (v) => !new Decimal(v).isZero(),
    says('{{field}} cannot be zero', label),
  );

/** A percentage (discount, tax rate) between 0 and 100 with at most 2 decimals. */
export const percentField = (label: string) =>
  decimalText(label, { decimals: 2, integerDigits: 3 }).refine(
    (v) => new Decimal(v).lessThanOrEqualTo(100),
    says('{{field}} cannot be over 100%', label),
  );

/** A positive integer id, from a form (text) or from code (a number); `message` for anything else. */
export const idField = (message: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: message }).int(message).positive(message).max(2_147_483_647, message),
  );

/** YYYY-MM-DD that is a real calendar date. */
export const dayField = (label: string) =>
  z
    .string(says('{{field}} is required', label))
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, says('{{field}} must be a date (YYYY-MM-DD)', label))
    .refine(
      (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
      says('{{field}} must be a real date', label),
    );

/** Required text, trimmed, of at most `max` characters and without control characters. */
export function requiredText(label: string, max: number) {
  return z
    .string(says('{{field}} is required', label))
    .trim()
    .min(1, says('{{field}} is required', label))
    .max(max, says('{{field}} must be at most {{count}} characters', label, { count: max }))
    .refine((v) => !hasControlCharacters(v), says('{{field}} contains characters that are not allowed', label));
}

/** Optional text: trimmed, blank becomes undefined; at most `max` characters, no control characters. */
export const optionalText = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string(says('{{field}} must be text', label))
      .max(max, says('{{field}} must be at most {{count}} characters', label, { count: max }))
      .refine((v) => !hasControlCharacters(v), says('{{field}} contains characters that are not allowed', label))
      .optional(),
  );

/** Makes a field optional: missing, null or blank text becomes undefined. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    schema.optional(),
  );
}

/**
 * Control characters other than tab and line breaks (invisible, and trouble in CSV and HTML;
 * PostgreSQL refuses NUL in text outright). Every free-text field refuses them.
 */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
