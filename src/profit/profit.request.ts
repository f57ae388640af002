import type { Request } from 'express';
import type { CacheStatus } from '../cache/index.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { formFailure } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import { presetOf, presetRange, rangeProblems, type Granularity, type Preset } from '../balance/index.ts';
import { ProfitQuerySchema, chosenPreset } from './profit.schema.ts';
import type { ProfitService } from './profit.service.ts';
import type { ProfitFacts, ProfitQuery } from './profit.types.ts';

// A profit request's query string, checked and completed: the range (from a preset or the
// dates typed), granularity, and the day of the stock value. Problems come back as field
// messages with the HTTP status to answer with; what was typed is kept to show it again.

export interface ResolvedProfitRequest {
  scope: Scope;
  facts: ProfitFacts;
  today: string;
  form: { from: string; to: string; granularity: Granularity; asOf: string };
  preset: Preset;
  /** Set when the range can be answered. */
  query?: ProfitQuery;
  /** The day of the stock value: null for now; undefined when the day typed is wrong. */
  asOf?: string | null;
  errors: Record<string, string>;
  status: 200 | 400 | 422;
  cacheStatuses: CacheStatus[];
}

const one = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? undefined : String(v));

export async function resolveProfitRequest(req: Request, profit: ProfitService): Promise<ResolvedProfitRequest> {
  const scope = scopeOf(req);
  const facts = await profit.facts(scope);
  const today = profit.today(facts.value.timeZone);
  const raw = Object.fromEntries(['preset', 'from', 'to', 'granularity', 'asOf'].map((k) => [k, one(req.query[k])]));
  const base = { scope, facts: facts.value, today, cacheStatuses: [facts.status] };
  const typed = { from: String(raw.from ?? ''), to: String(raw.to ?? ''), granularity: 'day' as Granularity, asOf: String(raw.asOf ?? '') };

  let input;
  try {
    input = parseInput(ProfitQuerySchema, raw);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    // A query string no form of ours sends: 400, with the messages shown on the form.
    return { ...base, form: typed, preset: 'custom', errors: failure.errors, status: 400 };
  }
  const preset = chosenPreset(input);
  const range = preset ? presetRange(preset, today) : { from: input.from ?? '', to: input.to ?? '' };
  const form = { ...range, granularity: input.granularity, asOf: input.asOf ?? '' };
  const errors = rangeProblems(range.from, range.to);
  if (input.asOf !== undefined) {
    if (rangeProblems(input.asOf, input.asOf).from) errors.asOf = 'Enter a day as YYYY-MM-DD.';
    else if (input.asOf > today) errors.asOf = 'Choose a day up to today.';
  }
  const ok = !errors.from && !errors.to;
  return {
    ...base,
    form,
    preset: ok ? presetOf(range.from, range.to, today) : 'custom',
    query: ok ? { ...range, granularity: input.granularity } : undefined,
    asOf: errors.asOf ? undefined : (input.asOf ?? null),
    errors,
    status: Object.keys(errors).length ? 422 : 200,
  };
}
