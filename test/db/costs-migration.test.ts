import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { verifyProfitSummary } from '../../src/profit/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

// The migration that starts keeping costs, on a database with sales from before it: each
// sale line gets its product's cost of that moment, each return line the part of it its
// return gave back (telescoping, so three returns of a line's 0.3 units give back its 0.11),
// every movement that cost, the profit summary its rule, and each business the instant from
// which costs are those of the moment of sale.

const MIGRATION = /_costs_and_profit$/;

describe('keeping costs, on a database with sales from before', () => {
  let t: TestDatabase;
  let before: string;

  beforeAll(async () => {
    t = await createTestDatabase('pglite', { migrate: false });
    before = await mkdtemp(join(tmpdir(), 'stock-migrations-'));
    for (const entry of await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })) {
      if (entry.isDirectory() && MIGRATION.test(entry.name)) break;
      await cp(join(DEFAULT_MIGRATIONS_DIR, entry.name), join(before, entry.name), { recursive: true });
    }
  }, 180_000);
  afterAll(async () => {
    await t?.drop();
    if (before) await rm(before, { recursive: true, force: true });
  });

  it('backfills line and return costs, movements, profit_days and costs_historical_from', async () => {
    await applyMigrations(t.db, undefined, { migrationsDir: before });
    const sql = (text: string) => t.db.prisma.$executeRawUnsafe(text);
    await sql(`INSERT INTO tenants (id, name, time_zone, updated_at) VALUES (1, 'A', 'America/New_York', now())`);
    await sql(`INSERT INTO units (id, tenant_id, code, name, updated_at) VALUES (1, 1, 'kg', 'Kilogram', now())`);
    await sql(`INSERT INTO customers (id, tenant_id, name, updated_at) VALUES (1, 1, 'Ana', now())`);
    await sql(`INSERT INTO products (id, tenant_id, sku, name, unit_id, price, cost, quantity_on_hand, updated_at) VALUES
      (1, 1, 'P', 'Pepper', 1, 10, 0.35, 9.7, now()), (2, 1, 'Q', 'Quinoa', 1, 4, 1.00, 8, now())`);
    await sql(`INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, created_at) VALUES
      (1, 1, 'receipt', 10, '2026-03-01 12:00+00'), (1, 2, 'receipt', 10, '2026-03-01 12:00+00'),
      (1, 1, 'sale', -0.3, '2026-03-02 03:30+00'), (1, 2, 'sale', -2, '2026-03-02 03:30+00')`);
    // Sold at 22:30 in New York on 1 March: the local day is 2026-03-01.
    await sql(`INSERT INTO sales (id, tenant_id, number, customer_id, status, sold_at, subtotal, tax_total, total, returned_total) VALUES
      (1, 1, 1, 1, 'confirmed', '2026-03-02 03:30+00', 11, 0, 11, 3),
      (2, 1, 2, NULL, 'cancelled', '2026-03-05 15:00+00', 4, 0, 4, 0)`);
    await sql(`INSERT INTO sale_lines (id, tenant_id, sale_id, line_no, product_id, quantity, unit_price, line_subtotal, line_tax, line_total, returned_quantity) VALUES
      (1, 1, 1, 1, 1, 0.3, 10, 3, 0, 3, 0.3), (2, 1, 1, 2, 2, 2, 4, 8, 0, 8, 0), (3, 1, 2, 1, 2, 1, 4, 4, 0, 4, 0)`);
    await sql(`INSERT INTO returns (id, tenant_id, sale_id, subtotal, tax_total, total, settlement) VALUES
      (1, 1, 1, 1, 0, 1, 'credit'), (2, 1, 1, 1, 0, 1, 'credit'), (3, 1, 1, 1, 0, 1, 'credit')`);
    await sql(`INSERT INTO return_lines (tenant_id, return_id, sale_line_id, product_id, quantity, line_subtotal, line_tax, line_total) VALUES
      (1, 1, 1, 1, 0.1, 1, 0, 1), (1, 2, 1, 1, 0.1, 1, 0, 1), (1, 3, 1, 1, 0.1, 1, 0, 1)`);
    const started = Date.now();

    await applyMigrations(t.db);
    const prisma = t.db.prisma;
    const lines = await prisma.saleLine.findMany({ orderBy: { id: 'asc' } });
    expect(lines.map((l) => [l.unitCost.toFixed(2), l.lineCost.toFixed(2)])).toEqual([
      ['0.35', '0.11'], // 0.3 × 0.35 = 0.105, half-up
      ['1.00', '2.00'],
      ['1.00', '1.00'],
    ]);
    // 0.1 × 0.35 = 0.035 → 0.04; 0.2 → 0.07 (0.03 more); 0.3 → 0.11 (0.04 more): all of it, 0.11.
    const returned = await prisma.returnLine.findMany({ orderBy: { returnId: 'asc' } });
    expect(returned.map((r) => r.lineCost.toFixed(2))).toEqual(['0.04', '0.03', '0.04']);
    const movements = await prisma.stockMovement.findMany({ orderBy: { id: 'asc' } });
    expect(movements.map((m) => m.averageCost?.toFixed(2))).toEqual(['0.35', '1.00', '0.35', '1.00']);

    const summary = await prisma.profitDay.findMany({ orderBy: [{ slice: 'asc' }, { key: 'asc' }] });
    expect(
      summary.map((r) => [r.slice, r.day.toISOString().slice(0, 10), r.key, r.revenue.toFixed(2), r.cost.toFixed(2), r.quantity.toFixed()]),
    ).toEqual([
      ['business_day', '2026-03-01', 0, '8.00', '2.00', '0'],
      ['product_day', '2026-03-01', 1, '0.00', '0.00', '0'],
      ['product_day', '2026-03-01', 2, '8.00', '2.00', '2'],
      ['product_month', '2026-03-01', 1, '0.00', '0.00', '0'],
      ['product_month', '2026-03-01', 2, '8.00', '2.00', '2'],
      ['customer_day', '2026-03-01', 1, '8.00', '2.00', '0'],
      ['customer_month', '2026-03-01', 1, '8.00', '2.00', '0'],
    ]);
    expect((await verifyProfitSummary(prisma, 1)).ok).toBe(true);

    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: 1 } });
    expect(Math.abs(tenant.costsHistoricalFrom.getTime() - started)).toBeLessThan(60_000);
    // The columns have no default left: a writer that forgets the cost is refused.
    await expect(
      sql(`INSERT INTO sale_lines (tenant_id, sale_id, line_no, product_id, quantity, unit_price, line_subtotal, line_tax, line_total)
           VALUES (1, 2, 2, 1, 1, 1, 1, 0, 1)`),
    ).rejects.toThrow(/unit_cost|null value/);
  });
});
