import type { Request, Response } from 'express';
import type { CacheStatus } from '../cache/index.ts';
import { parseInput } from '../db/input.ts';
import { formFailure } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import { rangeProblems } from './balance.rules.ts';
import { BalanceQuerySchema, chosenPreset } from './balance.schema.ts';
import type { BalanceService, CustomerOption } from './balance.service.ts';
import { tenantOf, type TenantView } from '../http/view-locals.ts';
import type { CustomerFilter, Granularity } from './balance.types.ts';
import type { Scope } from '../db/scope.ts';
import { presetOf, presetRange, type Preset } from './presets.ts';

// A balance request's query string, checked and completed: the range (from a preset or the
// dates typed), granularity, customer, "as of" day. Problems come back as field messages
// with the HTTP status to answer with; what was typed is kept to show it again.

export interface ResolvedRequest {
  scope: Scope;
  /** The business as the sign-in guard read it (cached with the user, not in the balance module). */
  facts: TenantView;
  today: string;
  customers: CustomerOption[];
  /** What the form shows (the resolved range, or what was typed when it was wrong). */
  form: { from: string; to: string; granularity: Granularity; customer: string; asOf: string };
  preset: Preset;
  /** Set when the request can be answered. */
  query?: { from: string; to: string; granularity: Granularity; customer: CustomerFilter };
  asOf?: string;
  errors: Record<string, string>;
  status: 200 | 400 | 422;
  cacheStatuses: CacheStatus[];
}

const one = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? undefined : String(v));

export async function resolveRequest(req: Request, res: Response, balance: BalanceService): Promise<ResolvedRequest> {
  const scope = scopeOf(req);
  balance.assertReader(scope);
  const facts = tenantOf(res);
  const customers = await balance.customers(scope);
  const today = balance.today(facts.timeZone);
  const raw = Object.fromEntries(['preset', 'from', 'to', 'granularity', 'customer', 'asOf'].map((k) => [k, one(req.query[k])]));
  const base = { scope, facts, today, customers: customers.value, cacheStatuses: [customers.status] };
  const typed = {
    from: String(raw.from ?? ''),
    to: String(raw.to ?? ''),
    granularity: 'day' as Granularity,
    customer: String(raw.customer ?? 'all'),
    asOf: String(raw.asOf ?? ''),
  };

  let input;
  try {
    input = parseInput(BalanceQuerySchema, raw);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    // A query string no form of ours sends: 400, with the messages shown on the form.
    return { ...base, form: typed, preset: 'custom', errors: failure.errors, status: 400 };
  }
  const preset = chosenPreset(input);
  const range = preset ? presetRange(preset, today) : { from: input.from ?? '', to: input.to ?? '' };
  const form = { ...range, granularity: input.granularity, customer: String(input.customer), asOf: input.asOf ?? '' };

  const errors = rangeProblems(range.from, range.to);
  if (input.customer !== 'all' && !(await balance.customerExists(scope, input.customer, customers.value)))
    errors.customer = 'There is no such customer.';
  if (input.asOf !== undefined) {
    const asOfProblem = rangeProblems(input.asOf, input.asOf).from;
    if (asOfProblem) errors.asOf = 'Enter a day as YYYY-MM-DD.';
    else if (input.asOf > today) errors.asOf = 'Choose a day up to today.';
  }
  const ok = !errors.from && !errors.to && !errors.customer;
  return {
    ...base,
    form,
    preset: ok ? presetOf(range.from, range.to, today) : 'custom',
    query: ok ? { ...range, granularity: input.granularity, customer: input.customer } : undefined,
    asOf: errors.asOf ? undefined : input.asOf,
    errors,
    status: Object.keys(errors).length ? 422 : 200,
  };
}
