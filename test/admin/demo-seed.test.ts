import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { recomputeBalanceDays } from '../../src/balance/balance-days.ts';
import { verifyProfitSummary } from '../../src/profit/index.ts';
import { averageFromLedger } from '../../src/stock/index.ts';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { localDay, zonedInstant } from '../../src/time.ts';
import { createTestDatabase } from '../helpers/database.ts';

// The demo data a new owner sees first: nothing after "now", a catalogue that makes sense,
// no customer twice, a year with busy and quiet times, goods bought from suppliers at costs
// below the prices; and the balance and profit summaries still agree.

const ZONE = 'Europe/Madrid';

describe('demo data', () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  let shops = 0;
  const shop = async () =>
    (
      await createTenant(prisma, {
        name: `Demo ${++shops}`,
        ownerEmail: `owner-${shops}-${process.pid}@demo.test`,
        ownerPassword: 'correct-horse-battery',
        timeZone: ZONE,
      })
    ).tenantId;

  beforeAll(async () => {
    const t = await createTestDatabase('pglite');
    prisma = t.db.prisma;
    drop = t.drop;
  }, 180_000);
  afterAll(() => drop?.());

  it('seeded at 12:40 on a Saturday, nothing is sold, paid or received later that day, and the morning has its sales', async () => {
    const tenantId = await shop();
    const now = zonedInstant('2026-06-06', ZONE, 12 * 60 + 40);
    await seedDemoData(prisma, { tenantId, days: 20, products: 15, salesPerDay: 12, seed: 7, now });
    const latest = async (model: 'sale' | 'payment' | 'stockMovement') => {
      const field = model === 'sale' ? 'soldAt' : model === 'payment' ? 'paidAt' : 'createdAt';
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const agg = await (prisma[model] as any).aggregate({ where: { tenantId }, _max: { [field]: true } });
      return agg._max[field] as Date;
    };
    expect((await latest('sale')).getTime()).toBeLessThanOrEqual(now.getTime());
    expect((await latest('payment')).getTime()).toBeLessThanOrEqual(now.getTime());
    expect((await latest('stockMovement')).getTime()).toBeLessThanOrEqual(now.getTime());
    const todays = await prisma.sale.findMany({
      where: { tenantId, soldAt: { gte: zonedInstant('2026-06-06', ZONE) } },
      select: { soldAt: true },
    });
    expect(todays.length).toBeGreaterThan(0);
    for (const s of todays) expect(localDay(s.soldAt, ZONE)).toBe('2026-06-06');
  });

  it('seeded before the shop opens, today has no sales yet', async () => {
    const tenantId = await shop();
    const now = zonedInstant('2026-06-08', ZONE, 7 * 60);
    await seedDemoData(prisma, { tenantId, days: 3, products: 5, salesPerDay: 10, seed: 3, now });
    expect(await prisma.sale.count({ where: { tenantId, soldAt: { gte: zonedInstant('2026-06-08', ZONE) } } })).toBe(0);
    expect(await prisma.sale.count({ where: { tenantId } })).toBeGreaterThan(0);
  });

  it('every product is filed and sold as the catalogue says, and no customer appears twice even after a second seed', async () => {
    const tenantId = await shop();
    const now = zonedInstant('2026-03-10', ZONE, 18 * 60);
    const itemCount = DEMO_CATALOGUE.reduce((n, c) => n + c.items.length, 0);
    await seedDemoData(prisma, { tenantId, days: 2, products: itemCount + 20, salesPerDay: 2, seed: 11, now });
    await seedDemoData(prisma, { tenantId, days: 2, products: 60, salesPerDay: 2, seed: 12, now });

    const allowed = new Map<string, string>(); // "category|name" → unit
    const parentOf = new Map<string, string>();
    for (const c of DEMO_CATALOGUE) {
      parentOf.set(c.category, c.parent);
      for (const [name, unit] of c.items) allowed.set(`${c.category}|${name}`, unit);
    }
    const products = await prisma.product.findMany({
      where: { tenantId },
      select: { name: true, unit: { select: { code: true } }, category: { select: { name: true, parent: { select: { name: true } } } } },
    });
    expect(products).toHaveLength(itemCount + 80);
    for (const p of products) {
      const base = p.name.replace(/ \([^)]*\)$/, '');
      expect(allowed.get(`${p.category!.name}|${base}`), `${p.name} under ${p.category!.name} by the ${p.unit.code}`).toBe(p.unit.code);
      expect(p.category!.parent?.name).toBe(parentOf.get(p.category!.name));
    }
    expect(new Set(products.map((p) => p.category!.name)).size).toBe(DEMO_CATALOGUE.length);

    const twice = await prisma.customer.groupBy({
      by: ['name', 'email'],
      where: { tenantId },
      _count: { _all: true },
      having: { id: { _count: { gt: 1 } } },
    });
    expect(twice).toEqual([]);
    const names = await prisma.customer.groupBy({
      by: ['name'],
      where: { tenantId },
      _count: { _all: true },
      having: { id: { _count: { gt: 1 } } },
    });
    expect(names).toEqual([]);
  });

  it('a year of trade has busy Saturdays, short Sundays, a busier spring than winter, and the balance summary agrees', async () => {
    const tenantId = await shop();
    const now = zonedInstant('2026-11-30', ZONE, 20 * 60);
    await seedDemoData(prisma, { tenantId, days: 364, products: 12, salesPerDay: 6, seed: 5, now });
    const sales = await prisma.sale.findMany({ where: { tenantId }, select: { soldAt: true } });
    const byWeekday = Array.from({ length: 7 }, () => 0);
    const byMonth = Array.from({ length: 12 }, () => 0);
    for (const s of sales) {
      const day = localDay(s.soldAt, ZONE);
      byWeekday[new Date(`${day}T12:00:00Z`).getUTCDay()]!++;
      byMonth[Number(day.slice(5, 7)) - 1]!++;
    }
    expect(byWeekday[6]).toBeGreaterThan(byWeekday[3]!);
    expect(byWeekday[0]! * 2).toBeLessThan(byWeekday[3]!);
    expect(byMonth[4]).toBeGreaterThan(byMonth[0]! * 1.3); // May against January
    // Every sale inside opening hours, by the shop's clock (on the days the clocks change too).
    for (const s of sales) {
      const day = localDay(s.soldAt, ZONE);
      expect(s.soldAt.getTime()).toBeGreaterThanOrEqual(zonedInstant(day, ZONE, 9 * 60).getTime());
      expect(s.soldAt.getTime()).toBeLessThan(zonedInstant(day, ZONE, 19 * 60).getTime());
    }

    const summary = await prisma.balanceDay.findMany({ where: { tenantId }, orderBy: [{ customerKey: 'asc' }, { day: 'asc' }] });
    const recomputed = await recomputeBalanceDays(prisma, tenantId);
    const nonZero = (rows: string[][]) => rows.filter((r) => r[2] !== '0.00' || r[3] !== '0.00');
    expect(
      nonZero(
        summary.map((d) => [String(d.customerKey), d.day.toISOString().slice(0, 10), d.salesTotal.toFixed(2), d.paymentsTotal.toFixed(2)]),
      ),
    ).toEqual(nonZero(recomputed.map((r) => [String(r.customerKey), r.day, r.sales.toFixed(2), r.payments.toFixed(2)])));
    expect((await verifyProfitSummary(prisma, tenantId)).differences).toEqual([]);
  }, 300_000);

  it('goods come from suppliers by received purchase orders, at costs below the prices that move the average a little; every sale earns', async () => {
    const tenantId = await shop();
    const now = zonedInstant('2026-05-20', ZONE, 19 * 60 + 30);
    await seedDemoData(prisma, { tenantId, days: 90, products: 20, salesPerDay: 10, seed: 9, now });
    const orders = await prisma.purchaseOrder.findMany({
      where: { tenantId },
      select: { number: true, status: true, orderedAt: true, supplier: { select: { name: true } }, lines: true },
      orderBy: { number: 'asc' },
    });
    expect(new Set(orders.map((o) => o.supplier.name)).size).toBeGreaterThanOrEqual(4);
    expect(orders.map((o) => o.number)).toEqual(orders.map((_, i) => i + 1));
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).lastPurchaseOrderNumber).toBe(orders.length);
    for (const o of orders) {
      expect(o.status).toBe('received');
      expect(o.orderedAt!.getTime()).toBeLessThan(now.getTime());
      for (const l of o.lines) expect(l.receivedQuantity.toFixed()).toBe(l.quantity.toFixed());
    }
    const products = await prisma.product.findMany({ where: { tenantId }, select: { id: true, price: true, cost: true } });
    for (const p of products) {
      expect(p.cost.greaterThan(0), `product ${p.id} has a cost`).toBe(true);
      expect(p.cost.lessThan(p.price), `product ${p.id} costs less than it sells for`).toBe(true);
      const movements = await prisma.stockMovement.findMany({ where: { productId: p.id }, orderBy: { id: 'asc' } });
      expect(movements.filter((m) => m.kind === 'receipt')).toEqual([]);
      expect(averageFromLedger(movements).toFixed(2)).toBe(p.cost.toFixed(2));
      expect(movements.at(-1)!.averageCost!.toFixed(2)).toBe(p.cost.toFixed(2));
    }
    // Costs drift, so some product was bought at more than one cost.
    const costs = await prisma.purchaseOrderLine.groupBy({
      by: ['productId'],
      where: { tenantId },
      _min: { unitCost: true },
      _max: { unitCost: true },
    });
    expect(costs.some((c) => !c._min.unitCost!.equals(c._max.unitCost!))).toBe(true);
    const lines = await prisma.saleLine.findMany({
      where: { tenantId },
      select: { unitCost: true, lineCost: true, lineSubtotal: true, quantity: true },
    });
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) {
      expect(l.unitCost.greaterThan(0)).toBe(true);
      expect(l.lineCost.toFixed(2)).toBe(l.quantity.mul(l.unitCost).toDecimalPlaces(2).toFixed(2));
      expect(l.lineCost.lessThan(l.lineSubtotal)).toBe(true);
    }
    expect((await verifyProfitSummary(prisma, tenantId)).ok).toBe(true);

    // Each delivery has its goods-received document, whose lines are the order's and whose
    // total was owed to the supplier; what is owed now is what the terms have not yet made due.
    const receipts = await prisma.purchaseReceipt.findMany({
      where: { tenantId },
      select: { receivedAt: true, total: true, supplierId: true, lines: true, purchaseOrder: { select: { lines: true } } },
    });
    expect(receipts).toHaveLength(orders.length);
    for (const r of receipts) {
      expect(r.receivedAt.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(r.lines.map((l) => [l.purchaseOrderLineId, l.quantity.toFixed()])).toEqual(
        r.purchaseOrder.lines.map((l) => [l.id, l.quantity.toFixed()]),
      );
      expect(r.total.toFixed(2)).toBe(r.lines.reduce((t, l) => t.plus(l.lineTotal), new Prisma.Decimal(0)).toFixed(2));
      for (const l of r.lines) expect(l.lineTotal.toFixed(2)).toBe(l.quantity.mul(l.unitCost).toDecimalPlaces(2).toFixed(2));
    }
    const suppliers = await prisma.supplier.findMany({
      where: { tenantId },
      select: { id: true, owed: true, paymentTermsDays: true, payments: { select: { amount: true, paidAt: true } } },
    });
    let owing = 0;
    for (const s of suppliers) {
      const received = receipts.filter((r) => r.supplierId === s.id).reduce((t, r) => t.plus(r.total), new Prisma.Decimal(0));
      const paid = s.payments.reduce((t, p) => t.plus(p.amount), new Prisma.Decimal(0));
      expect(s.owed.toFixed(2), `supplier ${s.id}`).toBe(received.minus(paid).toFixed(2));
      for (const p of s.payments) expect(p.paidAt.getTime()).toBeLessThanOrEqual(now.getTime());
      // Deliveries older than the terms are paid: nothing older is still owed.
      const overdue = receipts
        .filter((r) => r.supplierId === s.id && r.receivedAt.getTime() < now.getTime() - (s.paymentTermsDays + 1) * 86_400_000)
        .reduce((t, r) => t.plus(r.total), new Prisma.Decimal(0));
      expect(paid.greaterThanOrEqualTo(overdue), `supplier ${s.id} paid what is due`).toBe(true);
      if (s.owed.greaterThan(0)) owing++;
    }
    expect(owing).toBeGreaterThan(0);
    expect(suppliers.some((s) => s.payments.length > 0)).toBe(true);
    // The seeded sales carry the cost of their moment: costs are historical from the first seeded day.
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).costsHistoricalFrom.toISOString()).toBe(
      zonedInstant('2026-02-20', ZONE).toISOString(),
    );
  }, 300_000);
  it('a Spanish business gets its demo catalogue in Spanish, and a product is found by a word typed without accents', async () => {
    const tenantId = await shop();
    await prisma.tenant.update({ where: { id: tenantId }, data: { language: 'es' } });
    await seedDemoData(prisma, {
      tenantId,
      days: 3,
      products: 60,
      salesPerDay: 3,
      seed: 3,
      now: zonedInstant('2026-05-20', ZONE, 12 * 60),
    });
    const names = (await prisma.product.findMany({ where: { tenantId }, select: { name: true } })).map((p) => p.name);
    expect(names).toContain('Martillo de carpintero');
    expect(names).toContain('Cinta métrica 5 m');
    expect(names.some((n) => /\(Profesional\)$/.test(n))).toBe(true);
    for (const english of ['Claw hammer', 'Tape measure', 'Trade', 'Garden hose']) expect(names.join(' | ')).not.toContain(english);
    const categories = (await prisma.category.findMany({ where: { tenantId }, select: { name: true } })).map((c) => c.name);
    expect(categories).toEqual(expect.arrayContaining(['Herramientas', 'Herramientas de mano', 'Fontanería', 'Jardín']));
    expect((await prisma.unit.findFirstOrThrow({ where: { tenantId, code: 'kg' } })).name).toBe('Kilogramo');
    const found = await prisma.product.findMany({ where: { tenantId, searchText: { contains: 'cinta metrica' } }, select: { name: true } });
    expect(found.map((p) => p.name)).toEqual(['Cinta métrica 5 m']);
    // Paid by Bizum too: the demo's payments of kind `other` are the business's own method.
    const bizum = await prisma.businessPaymentMethod.findFirstOrThrow({ where: { tenantId } });
    expect([bizum.name, bizum.active]).toEqual(['Bizum', true]);
    expect(await prisma.payment.count({ where: { tenantId, method: 'other', customMethodId: null } })).toBe(0);
  }, 120_000);
});
