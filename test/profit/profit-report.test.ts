import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { createLogger } from '../../src/logger.ts';
import { record, revalue } from '../../src/stock/index.ts';
import { verifyProfitSummary } from '../../src/profit/index.ts';
import type { Scope } from '../../src/db/scope.ts';
import { addDays, localDay, zonedInstant } from '../../src/time.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The profit and stock value report over HTTP, signed in, on PGlite with the in-process
// cache: a small shop buys at cost through purchase orders, sells, takes a return and a
// cancellation after its cost has moved, and reads revenue, cost of goods sold, profit,
// margin, the top lists and the stock's value, now and at the end of past days.

const Decimal = Prisma.Decimal;
const ZONE = 'America/New_York';

describe('profit and stock value report', () => {
  let app: TestApp;
  let owner: TestClient;
  let tenantId: number;
  let actor: Scope;
  const ids = {} as Record<'hammer' | 'paint' | 'ana' | 'ben' | 'first' | 'ana_sale' | 'ben_sale', number>;

  const scopeOf = (id: number, role: 'owner' | 'manager' | 'staff' = 'owner', userId = 0): Scope => ({
    tenantId: id,
    userId,
    role,
    db: app.deps.tenantDb(id),
  });
  const sell = (lines: Array<{ productId: number; quantity: string }>, extra: Record<string, unknown> = {}) =>
    app.deps.sales.confirm(actor, { token: randomUUID(), lines: lines.map((l) => ({ ...l, productId: String(l.productId) })), ...extra });
  const cell = (html: string, testId: string) => new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html)?.[1];

  async function buy(lines: Array<{ productId: number; quantity: string; unitCost: string }>) {
    const {
      orders,
      suppliers: supplierService,
      receiving,
    } = createPurchasing({ transactions: { cache: app.deps.cache, logger: createLogger('silent') } });
    const supplier = await supplierService.create(actor, { token: newFormToken(), name: `Supplier ${randomUUID().slice(0, 6)}` });
    const order = await orders.create(actor, { token: newFormToken(), supplierId: supplier.id, lines });
    await orders.order(actor, order.id);
    const got = await orders.get(actor, order.id);
    return receiving.receive(actor, order.id, {
      token: newFormToken(),
      lines: Object.fromEntries(got.lines.map((l) => [l.lineNo, { quantity: l.quantity.toFixed() }])),
    });
  }

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const t = await app.createTenantWithOwner('Profit Hardware');
    tenantId = t.tenantId;
    const prisma = app.deps.db.prisma;
    await prisma.tenant.update({ where: { id: tenantId }, data: { timeZone: ZONE } });
    actor = scopeOf(tenantId, 'owner', t.owner.id);
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const tools = await prisma.category.create({ data: { tenantId, name: 'Tools' } });
    const hand = await prisma.category.create({ data: { tenantId, name: 'Hand tools', parentId: tools.id } });
    const paint = await prisma.category.create({ data: { tenantId, name: 'Paint' } });
    const product = (sku: string, name: string, price: string, categoryId: number) =>
      prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: name.toLowerCase(),
          unitId: unit.id,
          categoryId,
          price: new Decimal(price),
          taxRate: new Decimal(21),
        },
      });
    ids.hammer = (await product('HAM-1', 'Claw hammer', '20.00', hand.id)).id;
    ids.paint = (await product('PNT-1', 'Wall paint 1 l', '9.00', paint.id)).id;
    ids.ana = (await prisma.customer.create({ data: { tenantId, name: 'Ana García' } })).id;
    ids.ben = (await prisma.customer.create({ data: { tenantId, name: 'Ben Okafor' } })).id;

    await buy([
      { productId: ids.hammer, quantity: '10', unitCost: '8.00' },
      { productId: ids.paint, quantity: '20', unitCost: '4.00' },
    ]);
    // Hammers 2 at 8.00, paint 5 at 4.00.
    ids.first = (
      await sell(
        [
          { productId: ids.hammer, quantity: '2' },
          { productId: ids.paint, quantity: '5' },
        ],
        { payNow: 'cash' },
      )
    ).id;
    // More hammers at 11.00: (8 × 8.00 + 10 × 11.00) / 18 = 9.67.
    await buy([{ productId: ids.hammer, quantity: '10', unitCost: '11.00' }]);
    ids.ana_sale = (await sell([{ productId: ids.hammer, quantity: '3' }], { customerId: String(ids.ana) })).id;
    ids.ben_sale = (await sell([{ productId: ids.paint, quantity: '2' }], { customerId: String(ids.ben) })).id;
    owner = await app.signIn(t.owner.email, TEST_PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  it('each sale line keeps the average cost of its moment: 8.00 before the second delivery, 9.67 after', async () => {
    const lines = await app.deps.db.prisma.saleLine.findMany({
      where: { tenantId },
      orderBy: [{ saleId: 'asc' }, { lineNo: 'asc' }],
      select: { productId: true, unitCost: true, lineCost: true },
    });
    expect(lines.map((l) => [l.productId, l.unitCost.toFixed(2), l.lineCost.toFixed(2)])).toEqual([
      [ids.hammer, '8.00', '16.00'],
      [ids.paint, '4.00', '20.00'],
      [ids.hammer, '9.67', '29.01'],
      [ids.paint, '4.00', '8.00'],
    ]);
  });

  it('a return and a cancellation give back the cost their sale took, and the units come back into stock at it', async () => {
    const prisma = app.deps.db.prisma;
    // One hammer of the first sale back (sold at 8.00 while the average is 9.67): 15 × 9.67 + 8.00 over 16 = 9.57.
    await app.deps.sales.return(actor, ids.first, { token: randomUUID(), settlement: 'cash', lines: [{ lineNo: 1, quantity: '1' }] });
    const returned = await prisma.returnLine.findFirstOrThrow({ where: { tenantId } });
    expect(returned.lineCost.toFixed(2)).toBe('8.00');
    expect((await prisma.product.findUniqueOrThrow({ where: { id: ids.hammer } })).cost.toFixed(2)).toBe('9.57');
    // Ana's three hammers (at 9.67) back: (16 × 9.57 + 3 × 9.67) / 19 = 9.59.
    await app.deps.sales.cancel(actor, ids.ana_sale, {});
    const hammer = await prisma.product.findUniqueOrThrow({ where: { id: ids.hammer } });
    expect([hammer.quantityOnHand.toFixed(), hammer.cost.toFixed(2)]).toEqual(['19', '9.59']);
    const last = await prisma.stockMovement.findFirstOrThrow({ where: { productId: ids.hammer }, orderBy: { id: 'desc' } });
    expect([last.kind, last.unitCost?.toFixed(2), last.averageCost?.toFixed(2)]).toEqual(['cancellation', '9.67', '9.59']);
    expect((await verifyProfitSummary(prisma, tenantId)).differences).toEqual([]);
  });

  it('shows revenue before tax, cost of goods sold, gross profit and margin of this month; MISS, then HIT, then MISS after a sale', async () => {
    const first = await owner.get('/profit');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    // Kept: hammer 1 × 20.00 (cost 8.00), paint 5 × 9.00 (20.00) and 2 × 9.00 (8.00).
    expect(cell(first.html, 'revenue')).toBe('$83.00');
    expect(cell(first.html, 'cost')).toBe('$36.00');
    expect(cell(first.html, 'profit')).toBe('$47.00');
    expect(cell(first.html, 'margin')).toBe('56.6%');
    expect(first.html).toMatch(/data-testid="updated-at">Updated at \d\d:\d\d</);
    expect((await owner.get('/profit')).headers.get('x-cache')).toBe('HIT');
    await sell([{ productId: ids.paint, quantity: '1' }]);
    const after = await owner.get('/profit');
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(cell(after.html, 'revenue')).toBe('$92.00');
    expect(cell(after.html, 'cost')).toBe('$40.00');
  });

  it('lists the top products, categories and customers by profit; a cancelled sale leaves its customer out', async () => {
    const { html } = await owner.get('/profit');
    const rows = (testId: string) =>
      [
        ...(new RegExp(`data-testid="${testId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '').matchAll(/<th scope="row">([^<]*)<\/th>/g),
      ].map((m) => m[1]);
    expect(rows('top-products')).toEqual(['Wall paint 1 l', 'Claw hammer']);
    expect(rows('top-categories')).toEqual(['Paint', 'Tools › Hand tools']);
    expect(rows('top-customers')).toEqual(['Ben Okafor']);
    const tops = await app.deps.profit.tops(actor, addDays(localDay(new Date(), ZONE), -40), localDay(new Date(), ZONE));
    expect(
      tops.value.products.map((p) => [p.name, p.quantity!.toFixed(), p.revenue.toFixed(2), p.profit.toFixed(2), p.margin?.toFixed(1)]),
    ).toEqual([
      ['Wall paint 1 l', '8', '72.00', '40.00', '55.6'],
      ['Claw hammer', '1', '20.00', '12.00', '60.0'],
    ]);
  });

  it('values the stock now by category: quantity × average cost', async () => {
    const { html } = await owner.get('/profit');
    // Hammers 19 × 9.59 = 182.21; paint 12 × 4.00 = 48.00.
    expect(cell(html, 'stock-value-total')).toBe('$230.21');
    expect(html).toMatch(/Tools › Hand tools<\/th><td class="num">1<\/td><td class="num">\$182\.21/);
    expect(html).toMatch(/Paint<\/th><td class="num">1<\/td><td class="num">\$48\.00/);
    expect(cell(html, 'stock-value-day')).toBe('now');
  });

  describe('at the end of a past day, from the ledger', () => {
    let other: number;
    let otherActor: Scope;
    let product: number;
    const today = () => localDay(new Date(), ZONE);
    const noonOf = (daysAgo: number) => zonedInstant(addDays(today(), -daysAgo), ZONE, 12 * 60);

    beforeAll(async () => {
      const prisma = app.deps.db.prisma;
      other = (await app.createTenantWithOwner('Ledger Shop')).tenantId;
      await prisma.tenant.update({ where: { id: other }, data: { timeZone: ZONE } });
      otherActor = scopeOf(other);
      const unit = await prisma.unit.create({ data: { tenantId: other, code: 'kg', name: 'Kilogram' } });
      product = (
        await prisma.product.create({ data: { tenantId: other, sku: 'N-1', name: 'Nails', unitId: unit.id, price: new Decimal(9) } })
      ).id;
      const move = (daysAgo: number, m: Omit<Parameters<typeof record>[2][number], 'productId' | 'at'>) =>
        prisma.$transaction((tx) => record(tx, other, [{ ...m, productId: product, at: noonOf(daysAgo) }]));
      await move(10, { kind: 'purchase', quantity: new Decimal(10), unitCost: new Decimal('2.00') });
      await move(5, { kind: 'sale', quantity: new Decimal(-4) });
      await move(2, { kind: 'purchase', quantity: new Decimal(6), unitCost: new Decimal('3.00') });
      await prisma.$transaction((tx) =>
        revalue(tx, other, { productId: product, cost: new Decimal('5.00'), reason: 'test', at: noonOf(1) }),
      );
    });

    it('takes each day the quantity of the movements before its end and the average cost the last of them carried', async () => {
      const valueAt = async (daysAgo: number) =>
        (await app.deps.profit.stockValue(otherActor, addDays(today(), -daysAgo), ZONE)).value.total.toFixed(2);
      expect(await valueAt(11)).toBe('0.00');
      expect(await valueAt(10)).toBe('20.00'); // 10 × 2.00
      expect(await valueAt(5)).toBe('12.00'); // 6 × 2.00
      expect(await valueAt(2)).toBe('30.00'); // 12 × (6 × 2.00 + 6 × 3.00) / 12
      expect(await valueAt(1)).toBe('60.00'); // 12 × 5.00, the cost set by hand
      expect((await app.deps.profit.stockValue(otherActor, null, ZONE)).value.total.toFixed(2)).toBe('60.00');
    });

    it("the ledger's value at the end of yesterday plus nothing since equals the products' value now, in the first shop too", async () => {
      const fromLedger = await app.deps.profit.productStockValues(actor, addDays(today(), -1), ZONE);
      const now = await app.deps.profit.productStockValues(actor, null, ZONE);
      // Everything in the first shop happened today: nothing was in stock at the end of yesterday.
      expect(fromLedger).toEqual([]);
      expect(now.map((p) => [p.sku, p.quantity.toFixed(), p.cost.toFixed(2), p.value.toFixed(2)])).toEqual([
        ['PNT-1', '12', '4.00', '48.00'],
        ['HAM-1', '19', '9.59', '182.21'],
      ]);
    });

    it('the page shows the day asked for; a day in the future or not a day is a 422 with the message, never a 500', async () => {
      const day = addDays(today(), -2);
      const page = await owner.get(`/profit?asOf=${day}`);
      expect(page.status).toBe(200);
      expect(cell(page.html, 'stock-value-day')).toMatch(/^end of /);
      for (const [path, status, message] of [
        [`/profit?asOf=${addDays(today(), 1)}`, 422, 'Choose a day up to today.'],
        ['/profit?asOf=2026-02-30', 422, 'Enter a day as YYYY-MM-DD.'],
        ['/profit?from=2026-02-10&to=2026-01-01', 422, 'not be before'],
        ['/profit?granularity=hour', 400, 'day, week or month'],
        ['/profit?preset=ever', 400, 'Choose a listed date range.'],
        ['/profit?from=2026-01-01&from=2026-02-01', 400, 'Fix the range'],
        ['/profit.csv?from=2026-02-10&to=2026-01-01', 422, 'not be before'],
        [`/profit/stock-value.csv?asOf=${addDays(today(), 3)}`, 422, 'Choose a day up to today.'],
      ] as const) {
        const res = await owner.get(path);
        expect(res.status, path).toBe(status);
        expect(res.html, path).toContain(message);
      }
    });
  });

  it('downloads the series and the stock value in the business’s CSV convention (Spanish: semicolons, decimal commas)', async () => {
    const prisma = app.deps.db.prisma;
    const day = localDay(new Date(), ZONE);
    const download = async (path: string) => {
      const res = await owner.request('GET', path);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)], path).toEqual([0xef, 0xbb, 0xbf]);
      return { headers: res.headers, text: new TextDecoder().decode(bytes) };
    };
    const english = await download(`/profit.csv?from=${day}&to=${day}&granularity=day`);
    expect(english.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(english.text.startsWith('period,from,to,revenue,cost_of_goods_sold,gross_profit,margin_percent\n')).toBe(true);
    expect(english.text).toContain(`total,${day},${day},92.00,40.00,52.00,56.5`);
    await prisma.tenant.update({ where: { id: tenantId }, data: { language: 'es' } });
    await app.deps.cache.module('profit').invalidate(tenantId);
    const spanish = await download(`/profit.csv?from=${day}&to=${day}`);
    expect(spanish.text).toContain(`total;${day};${day};92,00;40,00;52,00;56,5`);
    const stock = await download('/profit/stock-value.csv');
    expect(stock.headers.get('content-disposition')).toContain(`stock-value-${day}.csv`);
    expect(stock.text.split('\n').slice(0, 4)).toEqual([
      'sku;name;category;unit;quantity;average_cost;value',
      'PNT-1;Wall paint 1 l;Paint;unit;12;4,00;48,00',
      'HAM-1;Claw hammer;Tools › Hand tools;unit;19;9,59;182,21',
      'total;;;;;;230,21',
    ]);
    await prisma.tenant.update({ where: { id: tenantId }, data: { language: null } });
    await app.deps.cache.module('profit').invalidate(tenantId);
  });

  it('says from which day costs are those of the moment of sale when the range reaches back before it', async () => {
    const prisma = app.deps.db.prisma;
    const since = (await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).costsHistoricalFrom;
    const day = localDay(since, ZONE);
    const within = await owner.get(`/profit?from=${day}&to=${day}`);
    expect(within.html).not.toContain('data-testid="costs-historical-from"');
    const before = await owner.get(`/profit?from=${addDays(day, -30)}&to=${day}`);
    expect(before.html).toMatch(/data-testid="costs-historical-from">Costs are those of the moment of each sale from /);
  });

  it('staff may not see it: the page and both downloads answer 403', async () => {
    const staff = await app.createUser(tenantId, 'staff');
    const client = await app.signIn(staff.email, staff.password);
    for (const path of ['/profit', '/profit.csv', '/profit/stock-value.csv']) expect((await client.get(path)).status, path).toBe(403);
    expect((await client.get('/')).html).not.toContain('href="/profit"');
    expect((await owner.get('/')).html).toContain('href="/profit"');
  });
});
