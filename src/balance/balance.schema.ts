import { z } from 'zod';
import { GRANULARITIES, type CustomerFilter, type Granularity } from './balance.types.ts';
import { PRESETS, type Preset } from './presets.ts';

// The query string of /balance, /balance.csv and /balance/detail. A value of the wrong
// shape (an array, an unknown granularity) is a 400; a range that breaks a rule (from after
// to, more than 3 years, a day that does not exist) is a 422 with the page and a message.

const text = z.string().trim().max(40);
const optionalText = text.optional().transform((v) => (v === '' ? undefined : v));

export const BalanceQuerySchema = z.object({
  preset: z.enum(PRESETS, { error: 'Choose a listed date range.' }).optional(),
  from: optionalText,
  to: optionalText,
  granularity: z.enum(GRANULARITIES as [Granularity, ...Granularity[]], { error: 'Choose day, week or month.' }).default('day'),
  customer: z
    .union([z.literal('all'), z.literal(''), z.string().regex(/^[1-9]\d{0,9}$/, 'Choose a customer or all customers.')])
    .default('all')
    .transform((v): CustomerFilter => (v === 'all' || v === '' ? 'all' : Number(v))),
  asOf: optionalText,
});

export type BalanceQueryInput = z.infer<typeof BalanceQuerySchema>;

/** Preset named, or none at all (the default): the preset's range. Dates given: custom. */
export function chosenPreset(input: BalanceQueryInput): Exclude<Preset, 'custom'> | undefined {
  if (input.preset && input.preset !== 'custom') return input.preset;
  if (!input.preset && input.from === undefined && input.to === undefined) return 'this-month';
  return undefined;
}
