import type { CacheParts } from './parts.ts';
import { assertTenant } from './keys.ts';
import type { CacheHealth, CacheStats, RedisInfo } from './types.ts';

// What the cache tells about itself: /health/cache, stats for /admin/cache and the CLI,
// key counts and Redis facts. Never a URL or a password.

export async function cacheHealth(parts: CacheParts, busUp: boolean): Promise<CacheHealth> {
  const { guarded, l1, config } = parts;
  let latencyMs: number | null = null;
  if (guarded.available) {
    const started = performance.now();
    const ping = await guarded.attempt('health', (store) => store.ping());
    if (ping.ok) latencyMs = Math.round((performance.now() - started) * 100) / 100;
  }
  return {
    status: !config.enabled ? 'disabled' : latencyMs !== null ? 'ok' : 'degraded',
    latencyMs,
    l1Entries: l1.size,
    breaker: guarded.breakerState,
    store: guarded.kind,
    reconciled: guarded.isTrusted,
    l1: !l1.storesValues ? 'off' : busUp ? 'on' : 'bypassed',
  };
}

export function cacheStats(parts: CacheParts): Omit<CacheStats, 'available' | 'loadsInFlight'> {
  const { config, guarded, l1, metrics } = parts;
  return {
    enabled: config.enabled,
    store: guarded.kind,
    breaker: guarded.breakerState,
    l1: { enabled: l1.storesValues, entries: l1.size, maxEntries: config.l1.maxEntries, maxBytes: config.l1.maxBytes },
    modules: metrics.snapshot(),
  };
}

export async function keyCounts(parts: CacheParts, tenantId: number): Promise<Record<string, number>> {
  assertTenant(tenantId);
  const counts = await parts.guarded.attempt('admin', (store) => store.countKeys(tenantId));
  return counts.ok ? counts.value : {};
}

export async function redisInfo(parts: CacheParts): Promise<RedisInfo | null> {
  if (parts.guarded.kind !== 'redis') return null;
  const info = await parts.guarded.attempt('admin', (store) => store.info());
  if (!info.ok || !info.value) return null;
  // run_id is for the reconciler, not for the admin page.
  const { runId: _runId, ...rest } = info.value;
  return rest;
}
