import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

// The app's Redis connections, made once at start-up: `client` for commands (cache, and
// sessions and rate limits reuse it) and `subscriber` for the cache's invalidation channel
// (a subscribed connection can run nothing else). Neither blocks start-up or a request when
// Redis is down: they connect in the background, reconnect forever with a capped backoff,
// and `client` refuses commands at once while disconnected (no offline queue) and gives up
// on a slow one after commandTimeoutMs.
//
// Every ioredis client of the app is built by createRedisClient, for any of the three
// topologies: one server (a URL), a Sentinel-managed primary, or a Redis Cluster.

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  { kind: 'single'; url: string } | { kind: 'sentinel'; sentinels: HostPort[]; name: string } | { kind: 'cluster'; nodes: HostPort[] };

/** A client of either shape; both speak the same commands and emit the same events. */
export type RedisClient = Redis | Cluster;

export interface RedisConnections {
  client: RedisClient;
  subscriber: RedisClient;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  /** Where Redis is; `url` is the shorthand for one server. */
  topology?: RedisTopology;
  url?: string;
  password?: string | undefined;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger: Logger;
}

export interface RedisClientOptions {
  password?: string | undefined;
  connectTimeoutMs: number;
  /** Undefined: no per-command timeout (the subscriber waits for messages). */
  commandTimeoutMs?: number | undefined;
  /** false: commands fail at once while disconnected; true: they wait for the connection. */
  offlineQueue: boolean;
  connectionName: string;
  autoResubscribe?: boolean;
}

const MAX_RECONNECT_DELAY_MS = 2000;
const backoff = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS);

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** "host:port,host:port" → list; throws a message naming what is wrong. */
export function parseHostPorts(text: string): HostPort[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new Error('must list at least one host:port');
  return items.map((item) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new Error(`must be a comma-separated list of host:port (got "${item}")`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

// ioredis arms a setTimeout of commandTimeout for each command and clears it on the reply.
// Node keeps one timer list per duration and drops a list the moment it empties, so with one
// command in flight at a time every command built a list, put it in the timer heap and re-armed
// libuv's timer (about 6 µs a command on a 2-core VM, a fifth of an L2 cache hit). An idle,
// unref'd interval of the same duration keeps that list alive for as long as the client is.
function keepTimerListAlive(client: RedisClient, ms: number): void {
  const holder = setInterval(() => {}, ms).unref();
  client.once('end', () => clearInterval(holder));
}

/** The one place an ioredis client is constructed. */
export function createRedisClient(topology: RedisTopology, options: RedisClientOptions): RedisClient {
  const client = constructClient(topology, options);
  if (options.commandTimeoutMs !== undefined) keepTimerListAlive(client, options.commandTimeoutMs);
  return client;
}

function constructClient(topology: RedisTopology, options: RedisClientOptions): RedisClient {
  const node: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    // A command in flight when the connection drops fails now rather than being replayed later.
    maxRetriesPerRequest: 0,
    connectionName: options.connectionName,
    ...(options.commandTimeoutMs !== undefined && { commandTimeout: options.commandTimeoutMs }),
    ...(options.autoResubscribe !== undefined && { autoResubscribe: options.autoResubscribe }),
    ...(options.password !== undefined && { password: options.password }),
  };
  if (topology.kind === 'cluster') {
    const cluster: ClusterOptions = {
      redisOptions: node,
      enableOfflineQueue: options.offlineQueue,
      clusterRetryStrategy: backoff,
      // Commands go to the slot's master only: a replica may lag behind a generation bump.
      scaleReads: 'master',
      ...(options.autoResubscribe !== undefined && { autoResubscribe: options.autoResubscribe }),
    };
    return new Cluster(topology.nodes, cluster);
  }
  const single: RedisOptions = { ...node, enableOfflineQueue: options.offlineQueue, retryStrategy: backoff };
  if (topology.kind === 'sentinel') {
    // Not failoverDetector: in the failover test it sometimes left the client ended (status
    // 'end', never reconnecting); the dead primary's closed socket triggers the reconnect anyway.
    return new Redis({ ...single, sentinels: topology.sentinels, name: topology.name, sentinelRetryStrategy: backoff });
  }
  return new Redis(topology.url, single);
}

async function quit(redis: RedisClient): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

export function createRedisConnections(options: RedisConnectionOptions): RedisConnections {
  const topology: RedisTopology | undefined = options.topology ?? (options.url ? { kind: 'single', url: options.url } : undefined);
  if (!topology) throw new Error('createRedisConnections needs a topology or a url');
  const base = { password: options.password, connectTimeoutMs: options.connectTimeoutMs };
  const client = createRedisClient(topology, {
    ...base,
    offlineQueue: false,
    commandTimeoutMs: options.commandTimeoutMs,
    connectionName: 'stock',
  });
  // The subscriber is (re)subscribed by the cache's bus on every 'ready', see bus.ts.
  const subscriber = createRedisClient(topology, {
    ...base,
    offlineQueue: true,
    autoResubscribe: false,
    connectionName: 'stock-subscriber',
  });
  // Errors surface through the cache's single outage warning; here they are only debug noise
  // (an 'error' event without a listener would crash the process).
  for (const [name, redis] of [
    ['client', client],
    ['subscriber', subscriber],
  ] as const) {
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
