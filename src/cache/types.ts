import type { UnitOfWork } from '../db/unit-of-work.ts';
import type { BreakerState } from './breaker.ts';
import type { DomainEvent } from './events.ts';
import type { ModuleStats } from './metrics.ts';
import type { OutboxTransaction } from './outbox.ts';

export type CacheStatus = 'HIT' | 'MISS' | 'STALE';

export interface CacheOptions {
  /** Seconds; defaults to the module's TTL (CACHE_*_TTL) or CACHE_DEFAULT_TTL. Jittered ±10%. */
  ttl?: number;
}

export interface MemoizeResult<T> {
  value: T;
  status: CacheStatus;
}

export interface CacheHealth {
  status: 'ok' | 'degraded' | 'disabled';
  latencyMs: number | null;
  l1Entries: number;
  breaker: BreakerState;
  store: 'redis' | 'memory';
  /** Whether Redis is trusted (reconciled with the outbox since it last connected). */
  reconciled: boolean;
  /** Whether the in-process tier is in use (it is bypassed while the invalidation bus is down). */
  l1: 'on' | 'off' | 'bypassed';
}

export interface CacheStats {
  enabled: boolean;
  store: 'redis' | 'memory';
  breaker: BreakerState;
  available: boolean;
  l1: { enabled: boolean; entries: number; maxEntries: number; maxBytes: number };
  loadsInFlight: number;
  modules: Record<string, ModuleStats>;
}

export interface RedisInfo {
  usedMemory?: string;
  evictedKeys?: number;
  uptimeSeconds?: number;
}

export interface CacheService {
  /** The value if cached and fresh; a cached "not found" reads as null/undefined too. */
  get<T>(tenantId: number, module: string, key: string): Promise<T | undefined>;
  /** Throws CacheSerializationError for a value that cannot be cached (a programming error). */
  set<T>(tenantId: number, module: string, key: string, value: T, opts?: CacheOptions): Promise<void>;
  delete(tenantId: number, module: string, key: string): Promise<void>;
  /** Deletes the module's keys matching a glob (SCAN + batched UNLINK); returns how many. */
  deletePattern(tenantId: number, module: string, pattern: string): Promise<number>;
  /**
   * Cache-aside. A null/undefined result means "not found" and is cached for
   * CACHE_NEGATIVE_TTL. The loader's errors reach the caller unless a stale value within
   * CACHE_STALE_GRACE can be served (status STALE). Values are read-only (frozen).
   */
  memoize<T>(tenantId: number, module: string, key: string, loader: () => Promise<T>, opts?: CacheOptions): Promise<MemoizeResult<T>>;
  invalidateModule(tenantId: number, module: string): Promise<void>;
  invalidateTenant(tenantId: number): Promise<void>;
  /** Writes an outbox row through uow.tx; the modules of `event` are invalidated after commit only. */
  invalidateAfterCommit(uow: UnitOfWork<OutboxTransaction>, tenantId: number, event: DomainEvent): Promise<void>;
  isAvailable(): boolean;
  health(): Promise<CacheHealth>;
  stats(): CacheStats;
  keyCounts(tenantId: number): Promise<Record<string, number>>;
  redisInfo(): Promise<RedisInfo | null>;
  close(): Promise<void>;
}
