import { z } from 'zod';

// Field schemas shared by the catalog and settings forms and the CSV import. Numbers
// arrive as text and stay text (Prisma turns them into Decimal); no float in between.

const NUMERIC = /^-?(\d+\.?\d*|\.\d+)$/;

/** Optional text: blank becomes undefined. */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * A non-negative decimal as a string, with at most `decimals` places and `integerDigits`
 * before the point. Messages name the field (`label`).
 */
export function decimalText(label: string, decimals: number, integerDigits: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .superRefine((v, ctx) => {
      if (!NUMERIC.test(v)) return void ctx.addIssue({ code: 'custom', message: `${label} must be a number` });
      if (v.startsWith('-')) return void ctx.addIssue({ code: 'custom', message: `${label} cannot be negative` });
      const [int = '', frac = ''] = v.split('.');
      if (frac.length > decimals) return void ctx.addIssue({ code: 'custom', message: `${label} can have at most ${decimals} decimal${decimals === 1 ? '' : 's'}` });
      if (int.replace(/^0+/, '').length > integerDigits) ctx.addIssue({ code: 'custom', message: `${label} is too large` });
    })
    .transform(canonicalDecimal);
}

/** A signed decimal (a stock correction), not zero. */
export function signedDecimalText(label: string, decimals: number, integerDigits: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .superRefine((v, ctx) => {
      const unsigned = v.replace(/^[+-]/, '');
      if (!NUMERIC.test(unsigned) || unsigned.startsWith('-')) return void ctx.addIssue({ code: 'custom', message: `${label} must be a number` });
      const [int = '', frac = ''] = unsigned.split('.');
      if (frac.length > decimals) return void ctx.addIssue({ code: 'custom', message: `${label} can have at most ${decimals} decimal${decimals === 1 ? '' : 's'}` });
      if (int.replace(/^0+/, '').length > integerDigits) return void ctx.addIssue({ code: 'custom', message: `${label} is too large` });
      if (/^[+-]?[0.]*$/.test(v)) ctx.addIssue({ code: 'custom', message: `${label} cannot be zero` });
    })
    .transform((v) => (v.startsWith('-') ? `-${canonicalDecimal(v.slice(1))}` : canonicalDecimal(v.replace(/^\+/, ''))));
}

/** "007.50" → "7.50", ".5" → "0.5", "3." → "3". */
function canonicalDecimal(v: string): string {
  const [rawInt = '', frac = ''] = v.split('.');
  const int = rawInt.replace(/^0+(?=\d)/, '') || '0';
  return frac ? `${int}.${frac}` : int;
}

/** Money: ≥ 0, at most 2 decimals, fits Decimal(14,2). */
export const moneyText = (label: string) => decimalText(label, 2, 12);
/** Quantity: ≥ 0, at most 3 decimals, fits Decimal(14,3). */
export const quantityText = (label: string) => decimalText(label, 3, 11);

/** A database id chosen from a list: positive integer text. */
export function idText(label: string) {
  return z
    .string({ error: `Choose a ${label}` })
    .trim()
    .min(1, `Choose a ${label}`)
    .regex(/^\d{1,9}$/, `Choose a ${label} from the list`)
    .transform(Number)
    .refine((n) => n > 0, `Choose a ${label} from the list`);
}

/** Text with a required, trimmed value of at most `max` characters. */
export function requiredText(label: string, max: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine((v) => !hasControlCharacters(v), `${label} contains characters that are not allowed`);
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
