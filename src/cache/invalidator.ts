import type { Logger } from '../logger.ts';
import type { InvalidationBus } from './bus.ts';
import type { GuardedStore } from './guarded-store.ts';
import type { InvalidationJournal } from './journal.ts';
import type { LocalCache } from './local-cache.ts';
import type { CacheMetrics } from './metrics.ts';
import { ALL_MODULES, type Outbox } from './outbox.ts';
import type { CacheStore } from './store.ts';

// Applies invalidations: the local tier at once (it needs nothing remote), then the store's
// generations, then a bus message so other instances drop their local entries. Whatever
// could not reach the store is kept in the outbox and the store is distrusted until the
// outbox is drained (reconciler.ts), so no instance serves the old values meanwhile.

export class Invalidator {
  constructor(
    private readonly deps: {
      l1: LocalCache;
      guarded: GuardedStore;
      bus: InvalidationBus;
      outbox: Outbox;
      journal: InvalidationJournal;
      metrics: CacheMetrics;
      logger: Logger;
      /** Asks the reconciler to drain the outbox and re-trust the store as soon as it can. */
      requestReconcile: () => void;
    },
  ) {}

  dropLocal(tenantId: number, modules: readonly string[]): void {
    const { journal, metrics } = this.deps;
    this.forget(tenantId, modules);
    for (const module of modules) {
      journal.record(tenantId, module);
      metrics.count(module === ALL_MODULES ? 'all' : module, 'invalidations');
    }
  }

  /** Store generations + bus; false when the store could not be reached. */
  async applyRemote(tenantId: number, modules: readonly string[]): Promise<boolean> {
    const result = await this.deps.guarded.attempt(modules[0] ?? 'all', (store) => bumpGenerations(store, tenantId, modules));
    if (!result.ok) return false;
    // Again after the bump: a read that began before it may have put the old value or
    // generation here in between (its epoch predates this second drop, so it cannot now).
    this.forget(tenantId, modules);
    await this.publish(tenantId, modules);
    return true;
  }

  private forget(tenantId: number, modules: readonly string[]): void {
    for (const module of modules) {
      if (module === ALL_MODULES) this.deps.l1.invalidateTenant(tenantId);
      else this.deps.l1.invalidateModule(tenantId, module);
    }
  }

  /** An invalidation outside a transaction (invalidateModule/Tenant): parked in the outbox if Redis is away. */
  async invalidate(tenantId: number, modules: readonly string[]): Promise<void> {
    this.dropLocal(tenantId, modules);
    if (await this.applyRemote(tenantId, modules)) return;
    this.deps.guarded.distrust('an invalidation could not reach Redis');
    try {
      await this.deps.outbox.park(tenantId, modules);
    } catch (error) {
      this.deps.logger.error(
        { err: (error as Error).message, tenantId, modules },
        'cache: could not keep an invalidation for later; cached values of these modules may be stale until they expire',
      );
    }
    this.deps.requestReconcile();
  }

  /**
   * The after-commit hook of invalidateAfterCommit: apply, then delete the outbox row.
   * `applied` runs once the invalidation is in force (or the store is distrusted), before the
   * outbox row is deleted: what listens for it (the balance warm-up) starts a round trip sooner.
   */
  async applyCommitted(rowId: bigint, tenantId: number, modules: readonly string[], applied: () => void): Promise<void> {
    this.dropLocal(tenantId, modules);
    if (!(await this.applyRemote(tenantId, modules))) {
      // The row stays; the store is not used again until it has been applied.
      this.deps.guarded.distrust('an invalidation could not reach Redis at commit');
      this.deps.requestReconcile();
      applied();
      return;
    }
    applied();
    try {
      await this.deps.outbox.remove([rowId]);
    } catch (error) {
      // Applied already; a leftover row only costs one more harmless bump later.
      this.deps.logger.debug({ err: (error as Error).message }, 'cache: could not delete an applied outbox row');
    }
  }

  /**
   * Applies pending outbox rows through `store` (the raw store while reconciling). Throws when
   * the store or the database fails, leaving the rows for the next attempt.
   */
  async drain(store: CacheStore, olderThanMs?: number): Promise<number> {
    let applied = 0;
    for (;;) {
      const rows = await this.deps.outbox.pending(olderThanMs);
      if (!rows.length) return applied;
      const byTenant = new Map<number, Set<string>>();
      for (const row of rows) {
        let modules = byTenant.get(row.tenantId);
        if (!modules) byTenant.set(row.tenantId, (modules = new Set()));
        for (const module of row.modules) modules.add(module);
      }
      for (const [tenantId, modules] of byTenant) {
        this.dropLocal(tenantId, [...modules]);
        await bumpGenerations(store, tenantId, [...modules]);
        this.forget(tenantId, [...modules]);
        await this.publish(tenantId, [...modules]);
      }
      await this.deps.outbox.remove(rows.map((row) => row.id));
      applied += rows.length;
    }
  }

  private async publish(tenantId: number, modules: readonly string[]): Promise<void> {
    try {
      await Promise.all(modules.map((module) => this.deps.bus.publish(module === ALL_MODULES ? { tenantId } : { tenantId, module })));
    } catch (error) {
      // Subscribers that missed it are disconnected, and drop their whole L1 on reconnect.
      this.deps.logger.debug({ err: (error as Error).message }, 'cache: could not publish an invalidation');
    }
  }
}

export async function bumpGenerations(store: CacheStore, tenantId: number, modules: readonly string[]): Promise<void> {
  if (modules.includes(ALL_MODULES)) await store.bumpTenant(tenantId);
  const pairs = modules.filter((m) => m !== ALL_MODULES).map((module) => ({ tenantId, module }));
  if (pairs.length) await store.bumpModules(pairs);
}
