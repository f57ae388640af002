import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { PgBouncer } from '../helpers/pgbouncer.ts';
import { openShop, pay, sell, type Shop } from '../helpers/shop-journey.ts';

// The app behind a real PgBouncer in transaction mode (each transaction may run on another
// server connection, so nothing may rely on session state): migrations, sign-in, a sale, a
// payment and page views all go through it, with fewer server connections than the app's
// pool.

const HOOK_TIMEOUT_MS = 180_000;

describe('the app behind PgBouncer in transaction mode', () => {
  let direct: TestDatabase;
  let bouncer: PgBouncer;
  let t: TestApp;
  let shop: Shop;

  beforeAll(async () => {
    direct = await createTestDatabase('postgresql', { migrate: false });
    const server = new URL(direct.databaseUrl!);
    bouncer = await PgBouncer.start(
      { host: server.hostname, port: Number(server.port || 5432), user: decodeURIComponent(server.username || 'postgres') },
      3,
    );
    const db = await createDatabase({ databaseUrl: bouncer.urlFor(direct.databaseUrl!) });
    await applyMigrations(db);
    t = await startTestApp({
      driver: 'postgresql',
      redis: false,
      database: { db, databaseUrl: bouncer.urlFor(direct.databaseUrl!), drop: async () => {} },
    });
    shop = await openShop(t);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await bouncer?.destroy();
    await direct?.drop();
  });

  it('ran the migrations through PgBouncer', async () => {
    expect(await t.deps.db.prisma.tenant.count()).toBeGreaterThan(0);
  });

  it('lets a signed-in owner sell, take payments and browse, also in parallel', async () => {
    expect(await sell(shop)).toBe(303);
    expect(await pay(shop)).toBe(303);
    // More requests at once than PgBouncer has server connections (3).
    const statuses = await Promise.all([...Array.from({ length: 6 }, () => sell(shop)), ...Array.from({ length: 4 }, () => pay(shop))]);
    expect(statuses.every((s) => s === 303)).toBe(true);
    for (const path of ['/', '/sales', '/payments', '/catalog/products', '/customers'])
      expect((await shop.owner.get(path)).status, path).toBe(200);
    expect(await t.deps.db.prisma.sale.count({ where: { tenantId: shop.tenantId } })).toBe(7);
    const product = await t.deps.db.prisma.product.findFirstOrThrow({ where: { tenantId: shop.tenantId } });
    expect(Number(product.quantityOnHand)).toBe(993);
  });
});
