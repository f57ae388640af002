import { ValidationError } from '../db/errors.ts';
import { addDays } from '../time.ts';
import { GRANULARITIES, type Granularity, type SeriesQuery } from './balance.types.ts';
import { daysBetween, isDay } from './buckets.ts';

// The limits every series request keeps, wherever it comes from (page, dashboard, CLI).

export const MAX_RANGE_YEARS = 3;

/** The last day a range starting on `from` may end on: the day before the same date 3 years on. */
export function latestTo(from: string): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const sameDateLater = new Date(Date.UTC(y + MAX_RANGE_YEARS, m - 1, d)).toISOString().slice(0, 10);
  return addDays(sameDateLater, -1);
}

/** Field → message for a range that breaks a rule; empty when it is fine. */
export function rangeProblems(from: unknown, to: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isDay(from)) errors.from = 'Enter a start date as YYYY-MM-DD.';
  if (!isDay(to)) errors.to = 'Enter an end date as YYYY-MM-DD.';
  if (errors.from || errors.to) return errors;
  if ((from as string) > (to as string)) errors.to = 'The end date must not be before the start date.';
  else if ((to as string) > latestTo(from as string)) errors.to = `A range can cover at most ${MAX_RANGE_YEARS} years.`;
  return errors;
}

/** Throws ValidationError (422) unless the query is one the service answers. */
export function assertSeriesQuery(q: SeriesQuery): void {
  const errors = rangeProblems(q.from, q.to);
  if (!GRANULARITIES.includes(q.granularity)) errors.granularity = 'Choose day, week or month.';
  if (q.customer !== 'all' && !(Number.isSafeInteger(q.customer) && q.customer > 0))
    errors.customer = 'Choose a customer or all customers.';
  if (Object.keys(errors).length) throw new ValidationError('Check the date range.', errors);
}

/** Past this many days a chart by day is a row of hairlines: the page shows weeks instead. */
export const MAX_DAY_BUCKETS = 92;

/**
 * The granularity the balance page draws: a range of more than `MAX_DAY_BUCKETS` days asked
 * by day is shown by week (and the page says so), unless the daily view was asked for again.
 */
export function readableGranularity(
  from: string,
  to: string,
  granularity: Granularity,
  keepDaily: boolean,
): { granularity: Granularity; switched: boolean } {
  if (granularity !== 'day' || keepDaily || daysBetween(from, to) + 1 <= MAX_DAY_BUCKETS) return { granularity, switched: false };
  return { granularity: 'week', switched: true };
}
