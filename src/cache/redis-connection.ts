import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

// The app's Redis connections, made once at start-up: `client` for commands (cache, and
// sessions and rate limits reuse it) and `subscriber` for the cache's invalidation channel
// (a subscribed connection can run nothing else). Neither blocks start-up or a request when
// Redis is down: they connect in the background, reconnect forever with a capped backoff,
// and `client` refuses commands at once while disconnected (no offline queue) and gives up
// on a slow one after commandTimeoutMs.

export interface RedisConnections {
  client: Redis;
  subscriber: Redis;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  password?: string | undefined;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger: Logger;
}

const MAX_RECONNECT_DELAY_MS = 2000;

async function quit(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

export function createRedisConnections(options: RedisConnectionOptions): RedisConnections {
  const base: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
    // A command in flight when the connection drops fails now rather than being replayed later.
    maxRetriesPerRequest: 0,
    ...(options.password !== undefined && { password: options.password }),
  };
  const client = new Redis(options.url, { ...base, enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs, connectionName: 'stock' });
  // The subscriber is (re)subscribed by the cache's bus on every 'ready', see bus.ts.
  const subscriber = new Redis(options.url, { ...base, enableOfflineQueue: true, autoResubscribe: false, connectionName: 'stock-subscriber' });
  // Errors surface through the cache's single outage warning; here they are only debug noise
  // (an 'error' event without a listener would crash the process).
  for (const [name, redis] of [['client', client], ['subscriber', subscriber]] as const) {
    redis.on('error', (error: Error) => options.logger.debug({ connection: name, err: error.message }, 'redis connection error'));
  }
  return {
    client,
    subscriber,
    async close() {
      await Promise.all([quit(client), quit(subscriber)]);
    },
  };
}
