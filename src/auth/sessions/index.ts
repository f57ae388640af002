import type { RedisClient as Redis } from '../../cache/redis-connection.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../logger.ts';
import { MemorySessionTier } from './memory-tier.ts';
import { RedisSessionTier } from './redis-tier.ts';
import { TableSessionTier } from './table-tier.ts';
import { TieredSessionStore } from './session-store.ts';

export { TieredSessionStore } from './session-store.ts';

export interface SessionStoreOptions {
  prisma: PrismaClient;
  /** The sessions' Redis client; absent: the in-process tier (one instance only). */
  redis: Redis | undefined;
  keyPrefix: string;
  idleTimeoutSeconds: number;
  /** The fast tier's expiry moves on at most this often per session (SESSION_TOUCH_INTERVAL_SECONDS). */
  touchIntervalSeconds?: number;
  logger: Logger;
  /** How often expired rows leave the sessions table. */
  sweepIntervalMs?: number;
  metrics?: Registry;
}

export interface SessionStoreHandle {
  store: TieredSessionStore;
  close(): Promise<void>;
}

export function createSessionStore(options: SessionStoreOptions): SessionStoreHandle {
  const durable = new TableSessionTier(options.prisma, options.idleTimeoutSeconds);
  const memory = options.redis ? undefined : new MemorySessionTier(options.idleTimeoutSeconds);
  const fast = options.redis ? new RedisSessionTier(options.redis, options.keyPrefix, options.idleTimeoutSeconds) : memory!;
  const store = new TieredSessionStore({
    fast,
    durable,
    logger: options.logger,
    fastTouchIntervalMs: (options.touchIntervalSeconds ?? 0) * 1000,
    ...(options.metrics && {
      onDurableTouch: counterOn(
        options.metrics,
        'stock_session_table_touches_total',
        "Sessions' expiry pushed forward in the sessions table (at most once a minute per session and instance)",
      ),
    }),
  });
  const sweep = async () => {
    memory?.sweep();
    const removed = await durable.sweepExpired().catch(() => 0);
    if (removed) options.logger.debug({ removed }, 'expired sessions removed');
  };
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 10 * 60_000);
  timer.unref();
  void sweep();
  return {
    store,
    async close() {
      clearInterval(timer);
      await store.settle();
    },
  };
}

function counterOn(registry: Registry, name: string, help: string): () => void {
  const counter = new Counter({ name, help, registers: [registry] });
  return () => counter.inc();
}
