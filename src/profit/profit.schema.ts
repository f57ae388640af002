import { z } from 'zod';
import { GRANULARITIES, PRESETS, type Granularity, type Preset } from '../balance/index.ts';

// The query string of /profit and its CSVs. A value of the wrong shape (an array, an
// unknown granularity or preset) is a 400; a range that breaks a rule (from after to, more
// than 3 years, a day that does not exist) or a stock day in the future is a 422 with the
// page and a message.

const text = z.string().trim().max(40);
const optionalText = text.optional().transform((v) => (v === '' ? undefined : v));

export const ProfitQuerySchema = z.object({
  preset: z.enum(PRESETS, { error: 'Choose a listed date range.' }).optional(),
  from: optionalText,
  to: optionalText,
  granularity: z.enum(GRANULARITIES as [Granularity, ...Granularity[]], { error: 'Choose day, week or month.' }).default('day'),
  asOf: optionalText,
});

export type ProfitQueryInput = z.infer<typeof ProfitQuerySchema>;

/** Preset named, or none at all (the default, this month): the preset's range. Dates given: custom. */
export function chosenPreset(input: ProfitQueryInput): Exclude<Preset, 'custom'> | undefined {
  if (input.preset && input.preset !== 'custom') return input.preset;
  if (!input.preset && input.from === undefined && input.to === undefined) return 'this-month';
  return undefined;
}
