import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { RedisCluster } from '../helpers/redis-server.ts';
import { openShop, pay, sell, type Shop } from '../helpers/shop-journey.ts';
import { waitFor } from '../cache/support.ts';

// The whole app with REDIS_CLUSTER_NODES pointing at a real three-master Redis Cluster this
// file starts: sessions, rate limits and the cache all live on the cluster.

const HOOK_TIMEOUT_MS = 180_000;

describe('the app on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let t: TestApp;
  let shop: Shop;
  let inspect: Cluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    t = await startTestApp({
      driver: 'pglite',
      redis: false,
      env: { REDIS_CLUSTER_NODES: cluster.nodes, RATE_LIMIT_POSTS_PER_MINUTE: '40' },
    });
    await waitFor(async () => (await t.deps.cache.health()).reconciled, 30_000, 'the cache to trust the cluster');
    inspect = new Cluster(cluster.startupNodes);
    shop = await openShop(t);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await inspect?.quit();
    await t?.close();
    await cluster?.destroy();
  });

  it('keeps an owner signed in through a sale and a payment, with the session on the cluster', async () => {
    expect(await sell(shop)).toBe(303);
    expect(await pay(shop)).toBe(303);
    expect((await shop.owner.get('/sales')).status).toBe(200);
    let sessions = 0;
    for (const node of inspect.nodes('master'))
      sessions += (await node.scan('0', 'MATCH', `${t.config.cache.keyPrefix}:sess:*`, 'COUNT', 1000))[1].length;
    expect(sessions).toBeGreaterThan(0);
  });

  it('serves a product list page from the cache the second time (X-Cache: HIT)', async () => {
    await shop.owner.get('/catalog/products?q=mug');
    expect((await shop.owner.get('/catalog/products?q=mug')).headers.get('x-cache')).toBe('HIT');
  });

  it('limits POSTs per session on the cluster (429 after RATE_LIMIT_POSTS_PER_MINUTE)', async () => {
    const client = await t.signIn((await t.createTenantWithOwner()).owner.email, 'correct-horse-battery');
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await client.post('/settings/users/two-factor', { require2fa: 'off' })).status);
    expect(statuses.slice(0, 40).every((s) => s === 303)).toBe(true);
    expect(statuses[40]).toBe(429);
  });

  it('reports Redis as ok on /health', async () => {
    const res = await t.client().get('/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.html)).toMatchObject({ status: 'ok', redis: 'ok' });
  });

  it('never sent a command spanning two slots', async () => {
    expect((await cluster.errorCounts()).CROSSSLOT ?? 0).toBe(0);
  });
});
