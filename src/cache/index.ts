import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { CacheConfig } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { LocalBus, RedisBus, type InvalidationBus } from './bus.ts';
import { TieredCacheService } from './cache-service.ts';
import { globToRegExp } from './glob.ts';
import { EventMap } from './events.ts';
import { GuardedStore } from './guarded-store.ts';
import { Invalidator } from './invalidator.ts';
import { InvalidationJournal } from './journal.ts';
import { CacheKeys } from './keys.ts';
import { LoaderLock } from './loader-lock.ts';
import { LocalCache } from './local-cache.ts';
import { RedisLocks } from './locks.ts';
import { MemoryStore } from './memory-store.ts';
import { CacheMetrics } from './metrics.ts';
import { Outbox } from './outbox.ts';
import { Reconciler } from './reconciler.ts';
import type { RedisConnections } from './redis-connection.ts';
import { RedisStore } from './redis-store.ts';
import type { CacheService } from './types.ts';

export type {
  CacheService,
  CacheStatus,
  CacheOptions,
  MemoizeResult,
  ModuleCache,
  InvalidationListener,
  CacheHealth,
  CacheStats,
  RedisInfo,
} from './types.ts';
export type { DomainEvent, DomainEvents, EventModules, EventNames } from './events.ts';
export type { CacheModule } from '../config.ts';
export { CACHE_MODULES } from '../config.ts';
export { keyOf } from './keys.ts';
export { SingleFlight } from './single-flight.ts';
export { CacheKeyError, CacheSerializationError } from './errors.ts';
export type { RedisConnections } from './redis-connection.ts';
export { createRedisConnections } from './redis-connection.ts';

export interface CacheServiceDeps {
  config: CacheConfig;
  /** Absent: the in-process store (REDIS_URL unset; one instance only). */
  redis?: RedisConnections | undefined;
  prisma: PrismaClient;
  logger: Logger;
  metrics: Registry;
  /** Tells this instance's bus messages from others'; random by default. */
  instanceId?: string;
}

/** Wires the cache's parts; start-up never waits for Redis (it is trusted once reconciled). */
export function createCacheService(deps: CacheServiceDeps): CacheService {
  const { config, redis, prisma } = deps;
  const logger = deps.logger.child({ component: 'cache' });
  const keys = new CacheKeys(config.keyPrefix);
  const metrics = new CacheMetrics(deps.metrics);
  const l1 = new LocalCache(keys, config.l1, config.l1.enabled);
  const store = redis ? new RedisStore(redis.client, keys) : new MemoryStore(keys, config.l1);
  const guarded = new GuardedStore(store, redis?.client, config.breaker, metrics, logger);
  const outbox = new Outbox(prisma);
  const journal = new InvalidationJournal();
  const bus: InvalidationBus = redis
    ? new RedisBus(
        redis.subscriber,
        redis.client,
        keys.channel,
        deps.instanceId ?? randomUUID(),
        {
          onMessage(message) {
            if (message.key !== undefined) l1.delete(message.key);
            else if (message.pattern !== undefined) {
              const re = globToRegExp(message.pattern);
              if (message.pattern.startsWith(keys.tenantPrefix(message.tenantId))) l1.dropWhere((key) => re.test(key));
            } else if (message.module !== undefined) l1.invalidateModule(message.tenantId, message.module);
            else l1.invalidateTenant(message.tenantId);
          },
          onReset: () => l1.clear(),
        },
        logger,
      )
    : new LocalBus();
  // The invalidator asks the reconciler for a drain, which applies rows through the invalidator.
  const requestReconcile = () => reconciler.request();
  const invalidator = new Invalidator({ l1, guarded, bus, outbox, journal, metrics, logger, requestReconcile });
  const reconciler = new Reconciler(redis?.client, guarded, invalidator, journal, logger, config.outboxPollMs);
  reconciler.start();
  const loaderLock = redis ? new LoaderLock(keys, new RedisLocks(redis.client), guarded, config.lock) : undefined;
  const events = new EventMap();
  return new TieredCacheService({ config, keys, l1, guarded, bus, invalidator, reconciler, outbox, loaderLock, metrics, logger, events });
}
