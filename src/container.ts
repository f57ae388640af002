import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createDatabase, type Database } from './db/client.ts';
import { applyMigrations } from './db/migrate.ts';
import { createRedisConnections, type RedisConnections } from './cache/redis-connection.ts';
import { createCacheService, type CacheService } from './cache/index.ts';

/** Everything built once at start-up and passed down; tests build their own. */
export interface Dependencies {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnections | undefined;
  cache: CacheService;
  metrics: Registry;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** A database built by the caller (tests); otherwise one is made from the config. */
  db?: Database;
  migrate?: boolean;
  collectProcessMetrics?: boolean;
}

export async function buildDependencies(config: Config, logger: Logger, options: BuildOptions = {}): Promise<Dependencies> {
  const db = options.db ?? (await createDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir }));
  if (options.migrate ?? true) {
    const { applied } = await applyMigrations(db, logger);
    if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
  }
  const metrics = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: metrics });
  const redis = config.redisUrl
    ? createRedisConnections({ url: config.redisUrl, password: config.redisPassword, connectTimeoutMs: config.cache.connectTimeoutMs, commandTimeoutMs: config.cache.commandTimeoutMs, logger })
    : undefined;
  if (!redis) logger.info('REDIS_URL is not set: cache, sessions and rate limits are in-process (one instance only)');
  const cache = createCacheService({ config: config.cache, redis, prisma: db.prisma, logger, metrics });
  return {
    config,
    logger,
    db,
    redis,
    cache,
    metrics,
    async close() {
      await cache.close();
      await redis?.close();
      await db.close();
    },
  };
}
