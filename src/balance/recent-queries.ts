import type { SeriesQuery } from './balance.types.ts';
import { seriesKey } from './cache-keys.ts';

// The series each tenant's visitors asked for lately: what the warm-up recomputes after an
// invalidation. Bounded per tenant and in tenants (the oldest goes first).

export class RecentQueries {
  private readonly byTenant = new Map<number, Map<string, { query: SeriesQuery; at: number }>>();

  constructor(
    private readonly perTenant = 16,
    private readonly tenants = 1000,
  ) {}

  record(tenantId: number, query: SeriesQuery, now = Date.now()): void {
    let recent = this.byTenant.get(tenantId);
    if (recent) this.byTenant.delete(tenantId);
    else if (this.byTenant.size >= this.tenants) this.byTenant.delete(this.byTenant.keys().next().value!);
    this.byTenant.set(tenantId, (recent ??= new Map()));
    const key = seriesKey(query);
    recent.delete(key);
    recent.set(key, { query, at: now });
    if (recent.size > this.perTenant) recent.delete(recent.keys().next().value!);
  }

  /** Queries asked for within `maxAgeMs`, newest first. */
  list(tenantId: number, maxAgeMs: number, now = Date.now()): SeriesQuery[] {
    const recent = this.byTenant.get(tenantId);
    if (!recent) return [];
    return [...recent.values()]
      .filter((r) => now - r.at <= maxAgeMs)
      .reverse()
      .map((r) => r.query);
  }
}
