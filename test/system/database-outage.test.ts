import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createTestDatabase, TEST_DATABASE_ADMIN_URL, type TestDatabase } from '../helpers/database.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { REDIS_TEST_URL, deleteKeysWithPrefix, rawRedis, uniquePrefix } from '../helpers/redis.ts';
import { TestClient } from '../helpers/http-client.ts';

// The database made unreachable for real: the server talks to PostgreSQL through a
// test-owned TCP proxy that can be cut (every socket destroyed, new ones refused) and
// restored. While cut, /health and pages that read the database answer 503 (never 500,
// never a forced logout; a page served from the cache alone still answers);
// once restored, both recover without restarting the server.

const PASSWORD = 'correct-horse-battery';
const OWNER = `owner-${randomBytes(4).toString('hex')}@outage.system.test`;

/** A TCP proxy in front of the PostgreSQL server that the test can cut and restore. */
class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stop accepting and destroy every open connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accept again on the same port. */
  async restore(): Promise<void> {
    await this.start(this.port);
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(200);
  }
  return false;
}

describe('database outage', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let proxy: CuttableProxy;
  const prefix = uniquePrefix('outage');

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const { tenantId } = await createTenant(database.db.prisma, { name: 'Outage Hardware', ownerEmail: OWNER, ownerPassword: PASSWORD });
    await database.db.prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } });
    const target = new URL(TEST_DATABASE_ADMIN_URL);
    proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(database.databaseUrl!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    server = await startServer({
      DATABASE_URL: viaProxy.toString(),
      REDIS_URL: REDIS_TEST_URL,
      CACHE_KEY_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.cut();
    await database?.drop();
    const redis = rawRedis();
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
  }, 60_000);

  it('answers 503 for what needs the database while it is unreachable, serves cached pages, and recovers without a restart', async () => {
    const client = new TestClient(server.baseUrl);
    await client.get('/login');
    const signedIn = await client.post('/login', { email: OWNER, password: PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/');
    expect((await client.get('/catalog/products')).status).toBe(200);

    await proxy.cut();

    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'down', database: 'down' });

    // A page built only from cached reads (the product list just viewed, the signed-in user)
    // is still served: it asks the database nothing.
    const cached = await client.get('/catalog/products');
    expect(cached.status, server.output()).toBe(200);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    // A page that must read the database answers 503, with the session kept.
    for (const path of ['/sales', '/customers']) {
      const page = await client.get(path);
      expect(page.status, `${path}: ${page.location ?? ''}\n${server.output()}`).toBe(503);
      expect(page.location).toBeNull();
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.html).toContain('The database cannot be reached right now');
    }

    await proxy.restore();

    const healthy = await waitFor(async () => (await fetch(`${server.baseUrl}/health`)).status === 200, 15_000);
    expect(healthy, server.output()).toBe(true);
    const pageBack = await waitFor(async () => (await client.get('/catalog/products')).status === 200, 15_000);
    expect(pageBack, server.output()).toBe(true);
    // Still signed in: the outage did not end the session.
    const home = await client.get('/');
    expect(home.status).toBe(200);
  }, 90_000);
});
