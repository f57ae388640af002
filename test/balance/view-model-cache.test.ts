import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { addDays, localDay } from '../../src/time.ts';
import type { Scope } from '../../src/db/scope.ts';
import { createDatabase } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The balance page's formatted view model (amounts as text, the chart's JSON) is cached with
// the series in the balance module, per language, locale, currency and zone: a hit formats
// nothing, yet shows exactly the page an uncached render shows, and a sale, a payment or a
// settings change shows on the next view. PostgreSQL and Redis, so cached values go through
// the real serializer.

describe('balance view model cache', () => {
  let app: TestApp;
  let uncachedApp: TestApp;
  let owner: TestClient;
  let uncachedOwner: TestClient;
  let actor: Scope;
  let productId: number;
  let customerId: number;
  let spanishEmail: string;
  const today = () => localDay(new Date(), 'Europe/Madrid');
  const path = () => `/balance?from=${addDays(today(), -40)}&to=${today()}&granularity=day`;
  const view = async (client = owner) => {
    const res = await client.get(path());
    expect(res.status).toBe(200);
    return { html: res.html, cache: res.headers.get('x-cache') };
  };
  const salesTotal = (html: string) => /data-testid="sales-total">([^<]+)</.exec(html)?.[1];
  const paymentsTotal = (html: string) => /data-testid="payments-total">([^<]+)</.exec(html)?.[1];
  const sell = (onAccount = false) =>
    app.deps.sales.confirm(actor, {
      token: randomUUID(),
      lines: [{ productId: String(productId), quantity: '1' }],
      ...(onAccount ? { customerId: String(customerId) } : { payNow: 'cash' }),
    });
  // The CSRF token differs per session; everything else on the page must be the same.
  const withoutToken = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '').replace(/content="[^"]*" name="csrf-token"/g, '');

  beforeAll(async () => {
    const database = await createTestDatabase('postgresql');
    app = await startTestApp({ driver: 'postgresql', redis: true, database });
    const t = await app.createTenantWithOwner('Balance View Shop');
    const prisma = app.deps.db.prisma;
    await prisma.tenant.update({ where: { id: t.tenantId }, data: { timeZone: 'Europe/Madrid', currency: 'EUR' } });
    actor = { tenantId: t.tenantId, userId: t.owner.id, role: 'owner', db: app.deps.tenantDb(t.tenantId) };
    const unit = await prisma.unit.create({ data: { tenantId: t.tenantId, code: 'pc', name: 'Piece' } });
    productId = (
      await prisma.product.create({
        data: {
          tenantId: t.tenantId,
          sku: 'VM-1',
          name: 'Teapot',
          searchText: 'vm-1 teapot',
          unitId: unit.id,
          price: new Prisma.Decimal('1234.50'),
          quantityOnHand: new Prisma.Decimal(100),
        },
      })
    ).id;
    customerId = (await prisma.customer.create({ data: { tenantId: t.tenantId, name: 'Ana' } })).id;
    const spanish = await app.createUser(t.tenantId, 'manager', { mustChangePassword: false, name: 'Lucía' });
    await prisma.user.update({ where: { id: spanish.id }, data: { language: 'es' } });
    spanishEmail = spanish.email;
    owner = await app.signIn(t.owner.email, TEST_PASSWORD);
    // The same database read by an app with the cache off: the uncached render to compare with.
    const second = await createDatabase({ databaseUrl: database.databaseUrl! });
    uncachedApp = await startTestApp({
      driver: 'postgresql',
      redis: true,
      database: { db: second, databaseUrl: database.databaseUrl, drop: async () => {} },
      env: { CACHE_ENABLED: 'false' },
    });
    uncachedOwner = await uncachedApp.signIn(t.owner.email, TEST_PASSWORD);
    await sell();
  }, 180_000);
  afterAll(async () => {
    await uncachedApp?.close();
    await app?.close();
  });

  it('a hit shows the same page as the uncached render', async () => {
    const first = await view();
    expect(first.cache).toBe('MISS');
    const hit = await view();
    expect(hit.cache).toBe('HIT');
    expect(hit.html).toBe(first.html);
    const uncached = await view(uncachedOwner);
    expect(uncached.cache).toBe('MISS');
    // Only the figures' "updated at" time (when each computed them) and the session's token may differ.
    const same = (html: string) => withoutToken(html).replace(/data-testid="updated-at">[^<]*</, '');
    expect(same(hit.html)).toBe(same(uncached.html));
    expect(salesTotal(hit.html)).toBe('€1,234.50');
  });

  it('a sale, a payment and a settings change each show on the next view', async () => {
    await view();
    expect((await view()).cache).toBe('HIT');
    // The next view shows the new figures whatever it says: after a sale the warm-up may already
    // have read the series again, so building the page's view from it is a HIT for the database.
    const sale = await sell(true);
    const afterSale = await view();
    expect(salesTotal(afterSale.html)).toBe('€2,469.00');
    expect((await view()).cache).toBe('HIT');

    await app.deps.payments.register(actor, { token: randomUUID(), method: 'cash', saleId: String(sale.id), amount: '100.00' });
    const afterPayment = await view();
    expect(paymentsTotal(afterPayment.html)).toBe('€1,334.50');
    expect((await view()).cache).toBe('HIT');

    await app.deps.settings.business.update(actor, {
      name: 'Balance View Shop',
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
      defaultTaxRate: '0',
      locale: 'es-ES',
    });
    const afterSettings = await view();
    expect(salesTotal(afterSettings.html)).toBe('2469,00\u00a0€');
    const again = await view();
    expect(again.cache).toBe('HIT');
    expect(again.html).toBe(afterSettings.html);
  });

  it('each language has its own cached page', async () => {
    const english = await view();
    expect(english.cache).toBe('HIT');
    const spanishClient = await app.signIn(spanishEmail, TEST_PASSWORD);
    const spanish = await view(spanishClient);
    // Another language, another variant: built for it (from the cached series), not the English one.
    expect(spanish.html).toContain('Descargar CSV');
    expect(spanish.html).not.toContain('Download CSV');
    const spanishAgain = await view(spanishClient);
    expect(spanishAgain.cache).toBe('HIT');
    expect(spanishAgain.html).toContain('Descargar CSV');
    expect(withoutToken(spanishAgain.html)).toBe(withoutToken(spanish.html));
    expect((await view()).html).toContain('Download CSV');
  });
});
