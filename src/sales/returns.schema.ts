import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { optional, optionalText, quantityField } from '../db/fields.ts';

// The return form (units of each line of a sale) and the cancel confirmation: both say what
// becomes of money paid beyond what the sale is then worth.

export const settlements = ['cash', 'card', 'transfer', 'credit'] as const;
export type SettlementChoice = (typeof settlements)[number];
export const SettlementSchema = z.enum(settlements, {
  error: 'Choose how the money goes back: cash, card, transfer or credit on the account',
});

export const ReturnSchema = z.object({
  token: FormTokenSchema,
  settlement: SettlementSchema,
  reason: optionalText('Reason', 500),
});

export const CancelSchema = z.object({
  /** Needed only when money paid would be left on the cancelled sale. */
  settlement: optional(SettlementSchema),
});

/** Blank: none of this line comes back. */
export const ReturnQuantitySchema = optional(quantityField('Quantity to return'));

const lineKey = /^lines\[(\d{1,4})\]\[quantity\]$/;

/** The return form's `lines[<line no>][quantity]` fields, as sent, by line number. */
export function returnLinesFromBody(body: Record<string, unknown>): Map<number, unknown> {
  const lines = new Map<number, unknown>();
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = lineKey.exec(key);
    if (m) lines.set(Number(m[1]), value);
  }
  return lines;
}
