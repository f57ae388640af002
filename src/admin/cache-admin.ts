import { assertCan } from '../auth/index.ts';
import { cacheModules, warmTenantCache, type KnownModule, type WarmDeps } from './cache-warm.ts';
import type { Scope } from '../db/scope.ts';

// What the cache page does, for owners (the permission table's `cache.manage`): read the
// counters and this business's key counts, clear one module, warm the hot keys.

export type CacheAdminDeps = WarmDeps;

export async function cacheOverview(deps: CacheAdminDeps, actor: Scope) {
  assertCan(actor, 'cache.manage');
  const [health, keyCounts, redis] = await Promise.all([deps.cache.health(), deps.cache.keyCounts(actor.tenantId), deps.cache.redisInfo()]);
  const stats = deps.cache.stats();
  const rows = cacheModules.map((module) => {
    const m = stats.modules[module];
    const lookups = (m?.hits ?? 0) + (m?.misses ?? 0);
    return {
      module,
      hits: m?.hits ?? 0,
      misses: m?.misses ?? 0,
      stale: m?.stale ?? 0,
      errors: m?.errors ?? 0,
      invalidations: m?.invalidations ?? 0,
      hitRatio: lookups ? (m!.hits / lookups) * 100 : null,
      keys: keyCounts[module] ?? 0,
    };
  });
  return { health, stats, redis, rows };
}

/** How many saved copies of the module this business has: what a clear would remove. */
export async function cacheModuleKeys(deps: CacheAdminDeps, actor: Scope, module: KnownModule): Promise<number> {
  assertCan(actor, 'cache.manage');
  return (await deps.cache.keyCounts(actor.tenantId))[module] ?? 0;
}

/** Removes the module's keys of this business and invalidates it; returns how many keys went. */
export async function clearCacheModule(deps: CacheAdminDeps, actor: Scope, module: KnownModule): Promise<number> {
  assertCan(actor, 'cache.manage');
  // The invalidation alone leaves the old values in Redis, unreadable, until their TTL runs
  // out (and in the key count). An owner's clear removes them first (a SCAN, as the key
  // count is), then invalidates, which also covers a value written in between.
  const cache = deps.cache.module(module);
  const removed = await cache.deletePattern(actor.tenantId, '*');
  await cache.invalidate(actor.tenantId);
  return removed;
}

export async function warmCache(deps: CacheAdminDeps, actor: Scope): Promise<string[]> {
  assertCan(actor, 'cache.manage');
  return warmTenantCache(deps, actor);
}
