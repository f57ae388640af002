import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import type { AppCacheConfig } from '../../src/config.ts';

// Redis for tests: the shared server at 127.0.0.1:6379 (REDIS_TEST_URL to change it), a
// random key prefix per test file so files can run in parallel, and cleanup by prefix.

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/**
 * CACHE_COMMAND_TIMEOUT_MS for the whole app under test. Production's 50 ms is for a Redis
 * that answers in a millisecond; on a shared, saturated test machine a command can wait that
 * long for a CPU, the read counts as a Redis failure and a page expected from the cache is
 * a MISS. No test of the whole app is about that deadline (the fault tests set their own).
 */
export const TEST_CACHE_COMMAND_TIMEOUT_MS = '1000';

/** A CACHE_KEY_PREFIX no other test file uses. */
export function uniquePrefix(label = 'test'): string {
  return `${label.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16)}-${randomBytes(5).toString('hex')}`;
}

/** A plain connection for inspecting and cleaning up what the code under test wrote. */
export function rawRedis(url = REDIS_TEST_URL): Redis {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** SCAN + UNLINK every key under `<prefix>:` (never KEYS). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export function testCacheConfig(overrides: Partial<Omit<AppCacheConfig, 'ttl'>> = {}): AppCacheConfig {
  return {
    enabled: true,
    keyPrefix: uniquePrefix(),
    defaultTtl: 60,
    ttl: {
      balance: 60,
      products: 60,
      categories: 300,
      uom: 3600,
      profit: 60,
      viewer: 300,
      dashboard: 60,
      'sales-list': 60,
      'payments-list': 60,
      customers: 60,
    },
    negativeTtl: 15,
    staleGrace: 300,
    l1: { enabled: true, maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 },
    keptPageBytes: 32 * 1024 * 1024,
    commandTimeoutMs: 200,
    connectTimeoutMs: 3000,
    breaker: { failureThreshold: 5, openMs: 1000 },
    lock: { ttlMs: 5000, waitMs: 2000 },
    outboxPollMs: 5000,
    ...overrides,
  };
}

/**
 * MONITOR on a socket of its own, for tests that assert which commands reached Redis.
 * ioredis's `monitor()` marks the connection as monitoring one microtask after MONITOR's OK,
 * so a busy server's first command lines, arriving in the same chunk as the OK, were taken
 * for replies to nothing and the connection threw ("Command queue state error").
 */
export async function watchCommands(
  node: { host: string; port: number },
  onCommand: (args: string[]) => void,
): Promise<{ close: () => void }> {
  const socket = net.connect(node.port, node.host);
  let buffered = '';
  let ok: (() => void) | undefined;
  const started = new Promise<void>((resolve, reject) => {
    ok = resolve;
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === '+OK' && ok) {
        ok();
        ok = undefined;
      } else if (line.startsWith('+')) {
        // +1700000000.123456 [0 127.0.0.1:5000] "get" "key": each argument quoted, escaped.
        const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
        if (args.length) onCommand(args);
      }
    }
  });
  socket.write('MONITOR\r\n');
  await started;
  return { close: () => socket.destroy() };
}
