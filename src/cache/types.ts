import type { CacheModule } from '../config.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';
import type { BreakerState } from './breaker.ts';
import type { DomainEvent, EventModules } from './events.ts';
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

/**
 * One module's slice of the cache, from `cache.module(name)`: keys are the module's own
 * (the cache adds tenant and module), the loader's type is the value's type.
 */
export interface ModuleCache<M extends CacheModule = CacheModule> {
  readonly name: M;
  /** The value if cached and fresh; a cached "not found" reads as null/undefined too. */
  get<T>(tenantId: number, key: string): Promise<T | undefined>;
  /** Throws CacheSerializationError for a value that cannot be cached (a programming error). */
  set<T>(tenantId: number, key: string, value: T, opts?: CacheOptions): Promise<void>;
  delete(tenantId: number, key: string): Promise<void>;
  /** Deletes the module's keys matching a glob (SCAN + batched UNLINK); returns how many. */
  deletePattern(tenantId: number, pattern: string): Promise<number>;
  /**
   * Cache-aside. A null/undefined result means "not found" and is cached for
   * CACHE_NEGATIVE_TTL. The loader's errors reach the caller unless a stale value within
   * CACHE_STALE_GRACE can be served (status STALE). Values are read-only (frozen).
   */
  memoize<T>(tenantId: number, key: string, loader: () => Promise<T>, opts?: CacheOptions): Promise<MemoizeResult<T>>;
  /** Invalidates the tenant's values of this module, at once (outside a transaction). */
  invalidate(tenantId: number): Promise<void>;
}

/** Called with the tenant once an invalidation it was registered for has been applied. */
export type InvalidationListener = (tenantId: number) => void;

export interface CacheService {
  /** The handle of one module; an unknown name does not compile. */
  module<M extends CacheModule>(name: M): ModuleCache<M>;
  /** A part's events and the modules each invalidates (called by the part when it is built). */
  declareEvents(events: EventModules): void;
  /** Every declared event and its modules. */
  declaredEvents(): Record<string, readonly CacheModule[]>;
  /**
   * `listener` runs after this instance applied an invalidation of `target` (a module, or an
   * event): after the commit for invalidateAfterCommit (never on rollback), at once for
   * module.invalidate and invalidateTenant (every module; not an event). Returns the unsubscribe.
   */
  onInvalidated(target: CacheModule | DomainEvent, listener: InvalidationListener): () => void;
  invalidateTenant(tenantId: number): Promise<void>;
  /** Writes an outbox row through uow.tx; the modules of `event` are invalidated after commit only. */
  invalidateAfterCommit(uow: UnitOfWork<OutboxTransaction>, tenantId: number, event: DomainEvent): Promise<void>;
  /**
   * The current generations of `modules` for a business, in order (one round trip): they
   * change whenever anything cached in them is invalidated, so a page built from those
   * modules can name its version by them (src/http/conditional-page.ts). undefined: the
   * cache is off or unreachable.
   */
  currentGenerations(tenantId: number, modules: readonly CacheModule[]): Promise<string[] | undefined>;
  isAvailable(): boolean;
  health(): Promise<CacheHealth>;
  stats(): CacheStats;
  keyCounts(tenantId: number): Promise<Record<string, number>>;
  redisInfo(): Promise<RedisInfo | null>;
  close(): Promise<void>;
}
