import type { CacheConfig, CacheModule } from '../config.ts';

// Module TTLs from the configuration, the default for any other module, and ±10% jitter so
// keys written together (a warm-up, a burst after an invalidation) do not expire together.

export const JITTER = 0.1;

export function moduleTtlSeconds(config: CacheConfig, module: CacheModule): number {
  return (Object.hasOwn(config.ttl, module) ? config.ttl[module] : undefined) ?? config.defaultTtl;
}

/** A TTL in milliseconds, uniformly within ±10% of `seconds`, never below 1 ms. */
export function jitteredTtlMs(seconds: number, random: () => number = Math.random): number {
  const ms = seconds * 1000;
  return Math.max(1, Math.round(ms * (1 - JITTER + 2 * JITTER * random())));
}
