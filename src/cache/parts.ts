import type { CacheConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { InvalidationBus } from './bus.ts';
import type { EventMap } from './events.ts';
import type { GuardedStore } from './guarded-store.ts';
import type { Invalidator } from './invalidator.ts';
import type { CacheKeys } from './keys.ts';
import type { LoaderLock } from './loader-lock.ts';
import type { LocalCache } from './local-cache.ts';
import type { CacheMetrics } from './metrics.ts';
import type { Outbox } from './outbox.ts';
import type { Reconciler } from './reconciler.ts';

// The pieces the facade (cache-service.ts) is built from, and what a read of both tiers
// found; in a file of their own so the facade's helpers (loader lock, report) need not
// import the facade.

/** What a read of both tiers found. `generation` undefined: the store could not be asked. */
export interface Lookup {
  fresh?: { value: unknown; notFound: boolean };
  stale?: { value: unknown };
  generation: string | undefined;
}

export interface CacheParts {
  config: CacheConfig;
  keys: CacheKeys;
  l1: LocalCache;
  guarded: GuardedStore;
  bus: InvalidationBus;
  invalidator: Invalidator;
  reconciler: Reconciler;
  outbox: Outbox;
  loaderLock: LoaderLock | undefined;
  metrics: CacheMetrics;
  logger: Logger;
  events: EventMap;
}
