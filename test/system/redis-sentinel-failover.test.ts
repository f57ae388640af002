import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { RedisSentinelSet } from '../helpers/redis-server.ts';
import { openShop, sell, type Shop } from '../helpers/shop-journey.ts';
import { waitFor } from '../cache/support.ts';

// The app through a real Sentinel set this file starts (one primary, one replica, three
// sentinels). The primary is killed while signed-in cashiers keep selling and browsing: no
// 5xx, nobody sent to the sign-in page, every sale kept, and once a sentinel has promoted
// the replica, the cache is used again and agrees with the database. The window in which
// the app could not use Redis is measured and printed (it is not asserted: timing is not
// behaviour here).

const HOOK_TIMEOUT_MS = 180_000;
const CASHIERS = 3;
// A failover is seconds, but an election that a loaded machine lets fail is retried after failover-timeout.
const TEST_TIMEOUT_MS = 120_000;

interface Answer {
  at: number;
  what: string;
  status: number;
  location: string | null;
}

async function onHand(client: TestClient): Promise<number> {
  const page = await client.get('/catalog/products?q=mug');
  const shown = /data-label="On hand" class="num">([\d,.]+)/.exec(page.html)?.[1];
  return Number((shown ?? 'NaN').replace(/,/g, ''));
}

describe('the app on Redis Sentinel', () => {
  let sentinels: RedisSentinelSet;
  let t: TestApp;
  let shop: Shop;

  beforeAll(async () => {
    sentinels = await RedisSentinelSet.start('stock');
    t = await startTestApp({
      driver: 'pglite',
      redis: false,
      env: { REDIS_SENTINELS: sentinels.addresses, REDIS_SENTINEL_NAME: 'stock', RATE_LIMIT_POSTS_PER_MINUTE: '100000' },
    });
    await waitFor(async () => (await t.deps.cache.health()).reconciled, 30_000, 'the cache to trust Redis');
    shop = await openShop(t);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await sentinels?.destroy();
  });

  it(
    'keeps cashiers selling and signed in while the primary dies and a replica takes over',
    async () => {
      const cashiers = [shop.owner];
      for (let i = 1; i < CASHIERS; i++)
        cashiers.push(await t.signIn((await t.createUser(shop.tenantId, 'manager')).email, 'correct-horse-battery'));
      const answers: Answer[] = [];
      let stop = false;
      const work = async (client: TestClient) => {
        while (!stop) {
          answers.push({ at: Date.now(), what: 'sale', status: await sell(shop, client), location: null });
          for (const path of ['/sales', '/catalog/products?q=mug']) {
            const res = await client.get(path);
            answers.push({ at: Date.now(), what: path, status: res.status, location: res.location });
          }
        }
      };
      const load = Promise.all(cashiers.map(work));

      const at = { killed: 0, promoted: 0, back: 0 };
      try {
        await sleep(1000);
        const oldPrimary = sentinels.primary.port;
        at.killed = Date.now();
        await sentinels.primary.crash();
        // Redis is unusable from the kill until the app has reconnected to the promoted replica
        // and its cache trusts Redis again (health pings it; reconciled after the outbox drain).
        await waitFor(
          async () => (await sentinels.primaryPort().catch(() => oldPrimary)) !== oldPrimary,
          60_000,
          'a sentinel to promote the replica',
        );
        at.promoted = Date.now();
        await waitFor(
          async () => {
            const health = await t.deps.cache.health();
            return health.status === 'ok' && health.reconciled;
          },
          60_000,
          `the cache to use Redis again (its connection is ${t.deps.redis?.client.status})`,
        );
        at.back = Date.now();
        await sleep(2000);
      } finally {
        stop = true;
        await load;
      }

      const during = answers.filter((a) => a.at >= at.killed && a.at <= at.back).length;
      console.log(
        `Sentinel failover: promoted after ${at.promoted - at.killed} ms; the app used Redis again after ${at.back - at.killed} ms; ${answers.length} requests, ${during} of them in that window`,
      );
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(answers.filter((a) => a.location?.startsWith('/login'))).toEqual([]);
      expect(answers.filter((a) => a.what === 'sale').every((a) => a.status === 303)).toBe(true);
      expect(answers.filter((a) => a.what !== 'sale').every((a) => a.status === 200)).toBe(true);

      const sold = answers.filter((a) => a.what === 'sale').length;
      expect(await t.deps.db.prisma.sale.count({ where: { tenantId: shop.tenantId } })).toBe(sold);
      const product = await t.deps.db.prisma.product.findFirstOrThrow({ where: { tenantId: shop.tenantId } });
      expect(Number(product.quantityOnHand)).toBe(1000 - sold);
      // The cache after the failover shows what the database holds, read twice (the second from the cache).
      expect(await onHand(shop.owner)).toBe(1000 - sold);
      expect(await onHand(cashiers[1]!)).toBe(1000 - sold);
    },
    TEST_TIMEOUT_MS,
  );
});
