import type { CustomerFilter, Granularity, SeriesQuery } from './balance.types.ts';

// The balance module's cache keys (the cache adds `<prefix>:tenant:{<id>}:balance:`), e.g.
// stock:tenant:{1}:balance:series:daily:2026-01-01:2026-01-31:all.

const word: Record<Granularity, string> = { day: 'daily', week: 'weekly', month: 'monthly' };

const customerPart = (c: CustomerFilter) => (c === 'all' ? 'all' : String(c));

export function seriesKey(q: SeriesQuery): string {
  return `series:${word[q.granularity]}:${q.from}:${q.to}:${customerPart(q.customer)}`;
}

/** The series laid out for a page, e.g. series:daily:2026-01-01:2026-12-31:all:view:es|es-ES|EUR|Europe/Madrid. */
export function shapedKey(q: SeriesQuery, variant: string): string {
  return `${seriesKey(q)}:view:${variant}`;
}

export function openBalanceKey(day: string, customer: CustomerFilter): string {
  return `asof:${day}:${customerPart(customer)}`;
}

export const CUSTOMERS_KEY = 'customers';
