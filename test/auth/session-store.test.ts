import type { SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/logger.ts';
import type { Database } from '../../src/db/client.ts';
import { createSessionStore, type SessionStoreHandle } from '../../src/auth/sessions/index.ts';
import type { TieredSessionStore } from '../../src/auth/sessions/session-store.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { RedisServer } from '../helpers/redis-server.ts';
import { uniquePrefix } from '../helpers/redis.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

function session(userId: number, extra: Partial<SessionData> = {}): SessionData {
  return {
    cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000), httpOnly: true, path: '/' },
    userId,
    tenantId: 1,
    authAt: Date.now(),
    pwdAt: 0,
    ...extra,
  } as SessionData;
}

const call = {
  get: (store: TieredSessionStore, sid: string) =>
    new Promise<SessionData | null>((resolve, reject) =>
      store.get(sid, (err, s) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(s ?? null))),
    ),
  set: (store: TieredSessionStore, sid: string, s: SessionData) =>
    new Promise<void>((resolve, reject) =>
      store.set(sid, s, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
    ),
  destroy: (store: TieredSessionStore, sid: string) =>
    new Promise<void>((resolve, reject) =>
      store.destroy(sid, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
    ),
};

describe('session store (Redis in front of the PostgreSQL table)', () => {
  let database: { db: Database; drop(): Promise<void> };
  let server: RedisServer;
  let client: Redis;
  let handle: SessionStoreHandle;
  let store: TieredSessionStore;
  let inspect: Redis;
  const prefix = uniquePrefix('sess');
  const key = (sid: string) => `${prefix}:sess:${sid}`;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await RedisServer.start();
    client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 200, retryStrategy: () => 100 });
    client.on('error', () => {});
    await new Promise((resolve) => client.once('ready', resolve));
    inspect = new Redis(server.url, { retryStrategy: () => 100 });
    inspect.on('error', () => {});
    handle = createSessionStore({
      prisma: database.db.prisma,
      redis: client,
      keyPrefix: prefix,
      idleTimeoutSeconds: 3600,
      logger: createLogger('silent'),
    });
    store = handle.store;
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await handle?.close();
    client?.disconnect();
    inspect?.disconnect();
    await server?.destroy();
    await database?.drop();
  });

  it('writes through to Redis and the table, and reads from Redis', async () => {
    await call.set(store, 'a1', session(1));
    expect(JSON.parse((await inspect.get(key('a1')))!).userId).toBe(1);
    expect((await database.db.prisma.session.findUniqueOrThrow({ where: { sid: 'a1' } })).userId).toBe(1);
    expect((await call.get(store, 'a1'))?.userId).toBe(1);
    expect(await inspect.ttl(key('a1'))).toBeGreaterThan(3000);
  });

  it('refills Redis from the table when Redis lost a session', async () => {
    await call.set(store, 'lost', session(2));
    await inspect.del(key('lost'));
    expect((await call.get(store, 'lost'))?.userId).toBe(2);
    await store.settle();
    await expect.poll(() => inspect.exists(key('lost'))).toBe(1);
  });

  it('keeps sessions working through an outage, and Redis never serves an older copy after it', async () => {
    await call.set(store, 'kept', session(3, { flash: { kind: 'info', message: 'before' } }));
    await call.set(store, 'ended', session(4));
    await server.stop(); // SAVE: Redis comes back with these old copies

    expect((await call.get(store, 'kept'))?.userId).toBe(3);
    expect(store.degraded).toBe(true);
    await call.set(store, 'kept', session(3, { flash: { kind: 'info', message: 'during' } }));
    await call.set(store, 'new', session(5));
    await call.destroy(store, 'ended');
    expect((await call.get(store, 'kept'))?.flash?.message).toBe('during');
    expect(await call.get(store, 'ended')).toBeNull();

    await server.start();
    await expect.poll(() => client.status, { timeout: 10_000 }).toBe('ready');
    // The first request after Redis is back starts the copy; reads stay on the table until it is done.
    expect((await call.get(store, 'kept'))?.flash?.message).toBe('during');
    await store.settle();
    expect(store.degraded).toBe(false);
    expect(JSON.parse((await inspect.get(key('kept')))!).flash.message).toBe('during');
    expect(await inspect.exists(key('ended'))).toBe(0);
    expect(JSON.parse((await inspect.get(key('new')))!).userId).toBe(5);
    expect(await call.get(store, 'ended')).toBeNull();
  });

  it('ends every session of a user except the one given', async () => {
    await call.set(store, 'u9-a', session(9));
    await call.set(store, 'u9-b', session(9));
    await call.set(store, 'u9-c', session(9));
    expect(await store.destroyUserSessions(9, 'u9-a')).toBe(2);
    expect(await call.get(store, 'u9-b')).toBeNull();
    expect(await call.get(store, 'u9-c')).toBeNull();
    expect((await call.get(store, 'u9-a'))?.userId).toBe(9);
    expect(await inspect.exists(key('u9-b'))).toBe(0);
  });

  it('does not return an expired session from the table', async () => {
    await call.set(store, 'old', session(6));
    await inspect.del(key('old'));
    await database.db.prisma.session.update({ where: { sid: 'old' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await call.get(store, 'old')).toBeNull();
  });
});
