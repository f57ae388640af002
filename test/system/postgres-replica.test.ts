import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { PostgresReplication } from '../helpers/postgres-replication.ts';
import { openShop, sell, type Shop } from '../helpers/shop-journey.ts';

// The app on a real PostgreSQL primary and streaming replica (DATABASE_REPLICA_URLS): the
// balance detail (a report read) goes to the replica, except for the user who just wrote
// while the replica has not replayed their write (read-your-writes: then the primary);
// tenants stay apart on the replica; a stopped replica sends reads to the primary, no 5xx.

const HOOK_TIMEOUT_MS = 180_000;

describe('report reads on a PostgreSQL streaming replica', () => {
  let cluster: PostgresReplication | undefined;
  let db: Database | undefined;
  let t: TestApp | undefined;
  let shop: Shop;
  let manager: TestClient;
  let other: Shop;

  const app = () => t!;
  const served = async (by: 'replica' | 'primary', reason = '') => {
    const metric = await app().deps.metrics.getSingleMetric('stock_report_reads_total')?.get();
    return metric?.values.find((v) => v.labels.served_by === by && v.labels.reason === reason)?.value ?? 0;
  };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  /** The sales the balance detail lists around today, by their links. */
  const salesListed = async (client: TestClient) => {
    const res = await client.get(`/balance/detail?from=${day(-1)}&to=${day(1)}&granularity=day`);
    expect(res.status).toBe(200);
    return new Set([...res.html.matchAll(/href="\/sales\/(\d+)"/g)].map((m) => Number(m[1]))).size;
  };

  beforeAll(async () => {
    cluster = await PostgresReplication.start();
    await cluster.query('primary', 'CREATE DATABASE stock');
    const primaryUrl = cluster.url('primary', 'stock');
    db = await createDatabase({ databaseUrl: primaryUrl });
    await applyMigrations(db);
    t = await startTestApp({
      driver: 'postgresql',
      redis: false,
      env: { DATABASE_URL: primaryUrl, DATABASE_REPLICA_URLS: cluster.url('replica', 'stock') },
      database: { db, databaseUrl: primaryUrl, drop: async () => {} },
    });
    shop = await openShop(t);
    const user = await t.createUser(shop.tenantId, 'manager');
    manager = await t.signIn(user.email, user.password);
    other = await openShop(t);
    await cluster.caughtUp();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await db?.close();
    await cluster?.destroy();
  }, HOOK_TIMEOUT_MS);

  it('serves the writer from the primary while the replica is behind, everyone else from the replica', async () => {
    expect(await salesListed(manager)).toBe(0);
    await cluster!.query('replica', 'SELECT pg_wal_replay_pause()');
    expect(await sell(shop)).toBe(303);

    const fallbacks = await served('primary', 'behind');
    expect(await salesListed(shop.owner)).toBe(1);
    expect(await served('primary', 'behind')).toBe(fallbacks + 1);
    const behind = await app().deps.metrics.getSingleMetric('stock_replica_behind_reader_bytes')?.get();
    expect(behind?.values[0]?.value).toBeGreaterThan(0);

    const replicaReads = await served('replica');
    expect(await salesListed(manager)).toBe(0); // stale by design: the manager wrote nothing
    expect(await served('replica')).toBe(replicaReads + 1);

    await cluster!.query('replica', 'SELECT pg_wal_replay_resume()');
    await cluster!.caughtUp();
    expect(await salesListed(manager)).toBe(1);
    expect(await salesListed(shop.owner)).toBe(1);
    expect(await served('replica')).toBe(replicaReads + 3);
  });

  it('keeps each business to its own sales on the replica', async () => {
    expect(await sell(other)).toBe(303);
    expect(await sell(other)).toBe(303);
    await cluster!.caughtUp();
    const replicaReads = await served('replica');
    expect(await salesListed(other.owner)).toBe(2);
    expect(await salesListed(manager)).toBe(1);
    expect(await served('replica')).toBe(replicaReads + 2);
  });

  it('reads the primary when the replica is stopped, without an error', async () => {
    cluster!.stopReplica();
    const unavailable = await served('primary', 'unavailable');
    expect(await salesListed(manager)).toBe(1);
    expect(await salesListed(other.owner)).toBe(2);
    expect(await served('primary', 'unavailable')).toBe(unavailable + 2);
    expect(await sell(shop)).toBe(303);
    expect(await salesListed(shop.owner)).toBe(2);
  });
});
