import { localDay } from '../time.ts';
import type { BalanceBucket, Granularity } from './balance.types.ts';
import { bucketEnd } from './buckets.ts';

// How a bucket is named on the page, in the chart and in the CSV.

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

type Span = Pick<BalanceBucket, 'start' | 'from' | 'to'>;

export function bucketLabel(b: Span, granularity: Granularity): string {
  if (granularity === 'day') return b.start;
  if (granularity === 'month') return monthName.format(new Date(`${b.start}T00:00:00Z`));
  return `Week of ${b.start}`;
}

/** The days a week or month bucket covers when the range cuts it, e.g. "2026-03-04 – 2026-03-08". */
export function partialNote(b: Span, granularity: Granularity): string | undefined {
  const whole = b.from === b.start && b.to === bucketEnd(b.start, granularity);
  return whole ? undefined : `${b.from} – ${b.to}`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant in the tenant's zone, e.g. "23 Nov 2026, 10:05" (formatter kept per zone). */
export function formatInstant(instant: Date, timeZone: string): string {
  let f = instantFormats.get(timeZone);
  if (!f) instantFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' })));
  return f.format(instant);
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "updated at 12:03" for figures computed today in the business's zone, else with the day. */
export function updatedAtText(instant: Date, timeZone: string, now = new Date()): string {
  let f = clockFormats.get(timeZone);
  if (!f)
    clockFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return localDay(instant, timeZone) === localDay(now, timeZone)
    ? `Updated at ${f.format(instant)}`
    : `Updated ${formatInstant(instant, timeZone)}`;
}
