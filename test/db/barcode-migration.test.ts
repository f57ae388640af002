import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

// The migration to several barcodes per product moves each product's single barcode into
// product_barcodes, on a database that has products from before it.

const MIGRATION = /_product_barcodes$/;

describe('moving the single barcode of existing products', () => {
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

  it('each code becomes a row of its product, upper-cased; a code two products shared stays with the older one', async () => {
    await applyMigrations(t.db, undefined, { migrationsDir: before });
    const sql = (text: string) => t.db.prisma.$executeRawUnsafe(text);
    await sql(`INSERT INTO tenants (id, name, updated_at) VALUES (1, 'A', now()), (2, 'B', now())`);
    await sql(`INSERT INTO units (id, tenant_id, code, name, updated_at) VALUES (1, 1, 'u', 'U', now()), (2, 2, 'u', 'U', now())`);
    await sql(`INSERT INTO products (id, tenant_id, sku, barcode, name, unit_id, price, updated_at) VALUES
      (1, 1, 'A-1', '8400000000106', 'One', 1, 1, now()),
      (2, 1, 'A-2', NULL, 'Two', 1, 1, now()),
      (3, 1, 'A-3', 'abc-1', 'Three', 1, 1, now()),
      (4, 1, 'A-4', '8400000000106', 'Four (same code as One)', 1, 1, now()),
      (5, 2, 'B-1', '8400000000106', 'Other business', 2, 1, now()),
      (6, 1, 'A-6', '', 'Blank', 1, 1, now())`);
    await applyMigrations(t.db);
    const rows = await t.db.prisma.productBarcode.findMany({
      orderBy: [{ tenantId: 'asc' }, { productId: 'asc' }],
      select: { tenantId: true, productId: true, code: true },
    });
    expect(rows).toEqual([
      { tenantId: 1, productId: 1, code: '8400000000106' },
      { tenantId: 1, productId: 3, code: 'ABC-1' },
      { tenantId: 2, productId: 5, code: '8400000000106' },
    ]);
    const [column] = await t.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'barcode'`,
    );
    expect(Number(column!.n)).toBe(0);
  });
});
