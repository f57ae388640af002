import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { ConflictError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { createLogger } from '../../src/logger.ts';
import { verifyProfitSummary } from '../../src/profit/index.ts';
import { seededRandom } from '../../src/seeded-random.ts';
import { averageFromLedger } from '../../src/stock/index.ts';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { cli } from '../helpers/cli.ts';
import { ledgerMatches, makeServices, makeShop, saleForm, type Harness, type Shop } from '../sales/support.ts';

// profit:verify after a random mixed run, on the PostgreSQL server: purchases received at
// drifting costs, sales of one to three lines (walk-in or on a customer's account, paid or
// not), partial returns and cancellations, four at a time in a seeded random order. The
// summary agrees with its recomputation from the raw rows; a row broken by hand is found,
// named and rewritten by --repair.

const Decimal = Prisma.Decimal;

describe('profit:verify on postgresql', { timeout: 240_000 }, () => {
  let t: TestDatabase;
  let wide: Database;
  let prisma: PrismaClient;
  let harness: Harness;
  let shop: Shop;
  let env: Record<string, string>;
  const counts = { receipts: 0, sales: 0, returns: 0, cancellations: 0, refused: 0 };

  beforeAll(async () => {
    t = await createTestDatabase('postgresql');
    wide = await createDatabase({ databaseUrl: t.databaseUrl!, poolSize: 12 });
    prisma = wide.prisma;
    harness = makeServices(prisma);
    shop = await makeShop(prisma, { timeZone: 'Europe/Madrid' });
    env = { DATABASE_URL: t.databaseUrl!, CACHE_KEY_PREFIX: `pv${Date.now().toString(36)}` };

    const rnd = seededRandom(20261201);
    const manager = shop.actor('manager');
    const {
      orders,
      suppliers: supplierService,
      receiving,
    } = createPurchasing({ transactions: { cache: harness.cache, logger: createLogger('silent') } });
    const suppliers = await Promise.all(
      ['Ferrotool', 'Colorama'].map((name) => supplierService.create(manager, { token: newFormToken(), name })),
    );
    const products: number[] = [];
    for (let i = 0; i < 6; i++) products.push(await shop.product({ qty: '0', price: `${12 + i * 3}.50`, taxRate: i % 2 ? '21' : null }));
    const customers = [await shop.customer({ name: 'Ana García' }), await shop.customer({ name: 'Ben Okafor' })];
    const receive = async () => {
      const lines = [...new Set(Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(products)))].map((productId) => ({
        productId,
        quantity: String(rnd.int(5, 20)),
        unitCost: (4 + rnd.next() * 6).toFixed(2),
      }));
      const order = await orders.create(manager, { token: newFormToken(), supplierId: rnd.pick(suppliers).id, lines });
      await orders.order(manager, order.id);
      const got = await orders.get(manager, order.id);
      await receiving.receive(shop.actor('staff'), order.id, {
        token: newFormToken(),
        lines: Object.fromEntries(got.lines.map((l) => [l.lineNo, { quantity: l.quantity.toFixed() }])),
      });
      counts.receipts++;
    };
    const sell = async () => {
      const lines = Array.from({ length: rnd.int(1, 3) }, () => ({
        productId: rnd.pick(products),
        quantity: String(rnd.int(1, 4)),
        discountPct: rnd.next() < 0.3 ? '10' : '0',
      }));
      const customerId = rnd.next() < 0.5 ? rnd.pick(customers) : undefined;
      const payNow = !customerId || rnd.next() < 0.5 ? 'cash' : undefined;
      await harness.services.sales.confirm(manager, saleForm(lines, { customerId, payNow }));
      counts.sales++;
    };
    const confirmed = () =>
      prisma.sale.findMany({ where: { tenantId: shop.tenantId, status: 'confirmed' }, select: { id: true, customerId: true } });
    const giveBack = async () => {
      const open = await confirmed();
      if (!open.length) return;
      const sale = rnd.pick(open);
      const lines = await prisma.saleLine.findMany({
        where: { saleId: sale.id },
        select: { lineNo: true, quantity: true, returnedQuantity: true },
      });
      const line = rnd.pick(lines);
      const left = line.quantity.minus(line.returnedQuantity);
      if (left.isZero()) return;
      await harness.services.sales.return(manager, sale.id, {
        token: newFormToken(),
        settlement: sale.customerId && rnd.next() < 0.5 ? 'credit' : 'cash',
        lines: [{ lineNo: line.lineNo, quantity: String(rnd.int(1, left.toNumber())) }],
      });
      counts.returns++;
    };
    const cancel = async () => {
      const open = await confirmed();
      if (!open.length) return;
      const sale = rnd.pick(open);
      await harness.services.sales.cancel(manager, sale.id, { settlement: sale.customerId ? 'credit' : 'cash' });
      counts.cancellations++;
    };
    for (let i = 0; i < 3; i++) await receive();
    for (let round = 0; round < 30; round++) {
      const batch = Array.from({ length: 4 }, () => {
        const r = rnd.next();
        return r < 0.2 ? receive : r < 0.7 ? sell : r < 0.88 ? giveBack : cancel;
      });
      const results = await Promise.allSettled(batch.map((run) => run()));
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        // Short stock, or a sale cancelled by another of the batch meanwhile: refused, nothing written.
        if (r.reason instanceof ConflictError) counts.refused++;
        else throw r.reason;
      }
    }
  }, 240_000);
  afterAll(async () => {
    await harness?.close();
    await wide?.close();
    await t?.drop();
  });

  it('the run had everything in it, the ledger holds, and each average cost is its recomputation from the ledger', async () => {
    expect(counts.receipts).toBeGreaterThan(10);
    expect(counts.sales).toBeGreaterThan(30);
    expect(counts.returns).toBeGreaterThan(5);
    expect(counts.cancellations).toBeGreaterThan(3);
    expect(await ledgerMatches(prisma, shop.tenantId)).toBe(true);
    for (const p of await prisma.product.findMany({ where: { tenantId: shop.tenantId }, select: { id: true, cost: true } })) {
      const movements = await prisma.stockMovement.findMany({ where: { productId: p.id }, orderBy: { id: 'asc' } });
      expect(averageFromLedger(movements).toFixed(2), `product ${p.id}`).toBe(p.cost.toFixed(2));
      // The cost each row carries is the walk's up to that row.
      movements.forEach((m, i) => {
        if (m.averageCost) expect(m.averageCost.toFixed(2)).toBe(averageFromLedger(movements.slice(0, i + 1)).toFixed(2));
      });
    }
    // Each return line gives back what its line's cost telescopes to; all of a line never more than the line.
    const lines = await prisma.saleLine.findMany({ where: { tenantId: shop.tenantId }, include: { returnLines: true } });
    for (const l of lines) {
      expect(l.lineCost.toFixed(2)).toBe(l.quantity.mul(l.unitCost).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
      const back = l.returnLines.reduce((s, r) => s.plus(r.lineCost), new Decimal(0));
      expect(back.toFixed(2)).toBe(l.returnedQuantity.mul(l.unitCost).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
    }
  });

  it('profit:verify agrees with the summary', async () => {
    expect((await verifyProfitSummary(prisma, shop.tenantId)).differences).toEqual([]);
    const run = await cli(['profit:verify', '--tenant', String(shop.tenantId)], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `Profit summary of tenant ${shop.tenantId} matches its sales and returns \\(\\d+ summary rows, \\d+ sales, \\d+ sale lines\\)`,
      ),
    );
  });

  it('finds a broken row and a missing one, names them, exits 1; --repair rewrites them and the figures are back', async () => {
    const before = await prisma.profitDay.findMany({
      where: { tenantId: shop.tenantId },
      orderBy: [{ slice: 'asc' }, { day: 'asc' }, { key: 'asc' }],
    });
    const broken = before.find((r) => r.slice === 'product_month')!;
    const missing = before.find((r) => r.slice === 'business_day')!;
    await prisma.profitDay.update({
      where: { tenantId_slice_day_key: { tenantId: shop.tenantId, slice: broken.slice, day: broken.day, key: broken.key } },
      data: { cost: { increment: 1.23 } },
    });
    await prisma.profitDay.delete({
      where: { tenantId_slice_day_key: { tenantId: shop.tenantId, slice: missing.slice, day: missing.day, key: missing.key } },
    });
    const report = await cli(['profit:verify', '--tenant', String(shop.tenantId)], env);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain('differs on 2 row(s)');
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(report.stdout).toContain(`product_month   ${day(broken.day)}  ${String(broken.key).padEnd(8)}`);
    expect(report.stdout).toContain(`${broken.cost.plus(1.23).toFixed(2)} → ${broken.cost.toFixed(2)}`);
    expect(report.stdout).toContain(`business_day    ${day(missing.day)}  0         0.00 → ${missing.revenue.toFixed(2)}`);
    expect(report.stderr).toContain('run with --repair');

    const repair = await cli(['profit:verify', '--tenant', String(shop.tenantId), '--repair'], env);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stdout).toMatch(/Rewrote \d+ summary rows from sales and returns; the profit cache of tenant \d+ was cleared/);
    expect((await verifyProfitSummary(prisma, shop.tenantId)).ok).toBe(true);
    const after = await prisma.profitDay.findMany({
      where: { tenantId: shop.tenantId },
      orderBy: [{ slice: 'asc' }, { day: 'asc' }, { key: 'asc' }],
    });
    const nonZero = (rows: typeof before) =>
      rows
        .filter((r) => !r.revenue.isZero() || !r.cost.isZero() || !r.quantity.isZero())
        .map((r) => [r.slice, day(r.day), r.key, r.revenue.toFixed(2), r.cost.toFixed(2), r.quantity.toFixed(3)]);
    expect(nonZero(after)).toEqual(nonZero(before));
  });

  it('refuses a tenant that does not exist', async () => {
    const run = await cli(['profit:verify', '--tenant', '999999'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('There is no tenant 999999');
  });
});
