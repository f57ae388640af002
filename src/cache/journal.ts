// Invalidations this instance applied recently. Redis persisted with AOF (everysec) or RDB
// snapshots can come back from a crash without its last writes: generation bumps included,
// while the outbox rows behind them are already deleted. When Redis comes back as a new
// process (its run_id changed), these are applied again; an extra bump only costs a miss.

export const JOURNAL_WINDOW_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 50_000;

export class InvalidationJournal {
  private readonly entries = new Map<string, { tenantId: number; module: string; at: number }>();

  constructor(private readonly windowMs = JOURNAL_WINDOW_MS) {}

  record(tenantId: number, module: string, now = Date.now()): void {
    const id = `${tenantId}:${module}`;
    this.entries.delete(id); // re-insert: the map stays ordered oldest first
    this.entries.set(id, { tenantId, module, at: now });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  recent(now = Date.now()): Array<{ tenantId: number; module: string }> {
    for (const [id, entry] of this.entries) {
      if (entry.at >= now - this.windowMs) break;
      this.entries.delete(id);
    }
    return [...this.entries.values()].map(({ tenantId, module }) => ({ tenantId, module }));
  }
}
