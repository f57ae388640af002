import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createLogger, type Logger } from '../../src/logger.ts';
import type { Database, Driver } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { createCacheService, type CacheService } from '../../src/cache/index.ts';
import { createRedisConnections, type RedisConnections, type RedisTopology } from '../../src/cache/redis-connection.ts';
import type { CacheConfig } from '../../src/config.ts';
import { CATALOG_EVENTS } from '../../src/catalog/cache-events.ts';
import { PAYMENT_EVENTS } from '../../src/payments/cache-events.ts';
import { PURCHASING_EVENTS } from '../../src/purchasing/cache-events.ts';
import { SALES_EVENTS } from '../../src/sales/cache-events.ts';
import { SETTINGS_EVENTS } from '../../src/settings/cache-events.ts';
import { AUTH_EVENTS } from '../../src/auth/cache-events.ts';
import { CUSTOMER_EVENTS } from '../../src/customers/cache-events.ts';

/** Every part's cache events, as the container declares them: test caches declare the same. */
export const PART_EVENTS = [
  SALES_EVENTS,
  PAYMENT_EVENTS,
  CATALOG_EVENTS,
  SETTINGS_EVENTS,
  PURCHASING_EVENTS,
  AUTH_EVENTS,
  CUSTOMER_EVENTS,
] as const;

// Shared pieces of the cache tests: a logger whose lines the test can read, a migrated
// database (the cache uses its outbox table), and a factory for cache services on their own Redis connections.

export interface CapturedLogger {
  logger: Logger;
  lines: Array<{ level: number; msg: string; [k: string]: unknown }>;
  count(level: 'warn' | 'info' | 'error', text: string): number;
}

export function captureLogger(): CapturedLogger {
  const lines: CapturedLogger['lines'] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const levels = { warn: 40, info: 30, error: 50 };
  return {
    logger: createLogger('debug', stream),
    lines,
    count: (level, text) => lines.filter((l) => l.level === levels[level] && l.msg.includes(text)).length,
  };
}

/** A fresh, migrated database (PGlite in memory or a new one on the PostgreSQL server); close() drops it. */
export async function testDatabase(driver: Driver = 'pglite'): Promise<Database> {
  const { db, drop } = await createTestDatabase(driver);
  return { ...db, close: drop };
}

export interface CacheInstance {
  cache: CacheService;
  redis: RedisConnections | undefined;
  registry: Registry;
  log: CapturedLogger;
  close(): Promise<void>;
}

/** A cache service; with `redis` (a URL or a topology), on its own connections (like another process). */
export async function makeCache(
  config: CacheConfig,
  db: Database,
  redis?: string | RedisTopology,
  opts: { waitReady?: boolean } = {},
): Promise<CacheInstance> {
  const log = captureLogger();
  const registry = new Registry();
  const topology: RedisTopology | undefined = typeof redis === 'string' ? { kind: 'single', url: redis } : redis;
  const connections = topology
    ? createRedisConnections({
        topology,
        connectTimeoutMs: config.connectTimeoutMs,
        commandTimeoutMs: config.commandTimeoutMs,
        logger: log.logger,
      })
    : undefined;
  const cache = createCacheService({ config, redis: connections, prisma: db.prisma, logger: log.logger, metrics: registry });
  // As the app does when its parts are built: every part's events, so any of them can be committed.
  for (const events of PART_EVENTS) cache.declareEvents(events);
  if (opts.waitReady ?? true)
    await waitFor(
      async () => {
        const h = await cache.health();
        return h.reconciled && h.l1 !== 'bypassed';
      },
      30_000,
      'the cache to reconcile with its store',
    );
  return {
    cache,
    redis: connections,
    registry,
    log,
    async close() {
      await cache.close();
      await connections?.close();
    },
  };
}

/** Polls `condition` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A promise with its resolve/reject handles, to hold a loader at a chosen point. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Creating and migrating a database can take long on a loaded machine; allow it in beforeAll. */
export const SETUP_TIMEOUT_MS = 180_000;
