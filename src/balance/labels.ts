import { createFormatter, type Formatter } from '../format/index.ts';
import { localDay } from '../time.ts';
import type { BalanceBucket, Granularity } from './balance.types.ts';
import { bucketEnd } from './buckets.ts';

// How a bucket is named on the page, in the chart and in the CSV (the CSV in English).

const english = createFormatter({ currency: 'USD', timeZone: 'UTC' });

type Span = Pick<BalanceBucket, 'start' | 'from' | 'to'>;

export function bucketLabel(b: Span, granularity: Granularity, fmt: Formatter = english): string {
  if (granularity === 'day') return b.start;
  if (granularity === 'month') return fmt.month(b.start);
  return `Week of ${b.start}`;
}

/** The days a week or month bucket covers when the range cuts it, e.g. "2026-03-04 – 2026-03-08". */
export function partialNote(b: Span, granularity: Granularity): string | undefined {
  const whole = b.from === b.start && b.to === bucketEnd(b.start, granularity);
  return whole ? undefined : `${b.from} – ${b.to}`;
}

/** "updated at 12:03" for figures computed today in the business's zone, else with the day. */
export function updatedAtText(instant: Date, fmt: Formatter, now = new Date()): string {
  return localDay(instant, fmt.timeZone) === localDay(now, fmt.timeZone)
    ? `Updated at ${fmt.time(instant)}`
    : `Updated ${fmt.dateTime(instant)}`;
}
