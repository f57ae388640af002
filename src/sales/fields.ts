import { z } from 'zod';
import { Prisma } from '../generated/prisma/client.ts';
import { hasControlCharacters } from '../catalog/fields.ts';

const Decimal = Prisma.Decimal;

// Field schemas shared by the sale, payment and customer forms. Numbers arrive as text and
// stay text (then Decimal): never through a float.

function decimalText(label: string, decimals: number, integerDigits: number) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .superRefine((v, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)) return fail(`${label} must be a number`);
      if (v.startsWith('-')) return fail(`${label} cannot be negative`);
      const [int = '', frac = ''] = v.replace(/^\+/, '').split('.');
      if (frac.length > decimals) return fail(decimals === 0 ? `${label} must be a whole number` : `${label} can have at most ${decimals} decimals`);
      if (int.replace(/^0+/, '').length > integerDigits) return fail(`${label} is too large`);
    })
    .transform((v) => new Decimal(v.replace(/^\+/, '')).toFixed());
}

/** A quantity: more than 0, at most 3 decimals (numeric(14,3)). */
export const quantityField = (label = 'Quantity') =>
  decimalText(label, 3, 11).refine((v) => new Decimal(v).greaterThan(0), `${label} must be more than 0`);

/** Money: at least 0 (or more than 0), at most 2 decimals (numeric(14,2)). */
export const moneyField = (label: string, opts: { positive?: boolean } = {}) =>
  decimalText(label, 2, 12).refine((v) => !opts.positive || new Decimal(v).greaterThan(0), `${label} must be more than 0`);

/** A percentage between 0 and 100 with at most 2 decimals. */
export const percentField = (label: string) =>
  decimalText(label, 2, 3).refine((v) => new Decimal(v).lessThanOrEqualTo(100), `${label} cannot be over 100%`);

/** An optional field: blank → undefined. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema.optional());
}

/** A positive integer id from a form (text) or code (number). */
export const idField = (message: string) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v), z.number({ error: message }).int(message).positive(message).max(2_147_483_647, message));

export const optionalText = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string({ error: `${label} must be text` })
      .max(max, `${label} must be at most ${max} characters`)
      .refine((v) => !hasControlCharacters(v), `${label} contains characters that are not allowed`)
      .optional(),
  );

/** YYYY-MM-DD that is a real calendar date. */
export const dayField = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date (YYYY-MM-DD)`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${label} must be a real date`);
