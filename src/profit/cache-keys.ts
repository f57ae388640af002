import type { ProfitQuery } from './profit.types.ts';

// The profit module's cache keys (the cache adds `<prefix>:tenant:{<id>}:profit:`), e.g.
// stock:tenant:{1}:profit:series:week:2026-01-01:2026-12-31.

export const FACTS_KEY = 'facts';

export function seriesKey(q: ProfitQuery): string {
  return `series:${q.granularity}:${q.from}:${q.to}`;
}

export function topsKey(from: string, to: string): string {
  return `tops:${from}:${to}`;
}

/** The stock value now, or at the end of a past day. */
export function stockValueKey(asOf: string | null): string {
  return `stock:${asOf ?? 'now'}`;
}
