import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { averageFromLedger, costAfter, record } from '../../src/stock/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { Scope } from '../../src/db/scope.ts';

// The ledger's cost rule and who writes a cost: the moving average one movement at a time,
// every row with the average after it, and a cost set by hand (the product form, the CSV
// import) as a revaluation row, so the ledger alone recomputes every product's cost.

const Decimal = Prisma.Decimal;
const d = (v: string) => new Decimal(v);

describe('stock › costs', () => {
  describe('costAfter', () => {
    it('averages units in at a cost, half-up to the cent; into zero stock the unit cost; a revaluation sets it; anything else leaves it', () => {
      expect(costAfter(d('4'), d('2.00'), { kind: 'purchase', quantity: d('6'), unitCost: d('3.00') }).toFixed(2)).toBe('2.60');
      // (1 × 1.00 + 2 × 1.01) / 3 = 1.00666… → 1.01
      expect(costAfter(d('1'), d('1.00'), { kind: 'purchase', quantity: d('2'), unitCost: d('1.01') }).toFixed(2)).toBe('1.01');
      expect(costAfter(d('0'), d('9.99'), { kind: 'purchase', quantity: d('0.5'), unitCost: d('4.20') }).toFixed(2)).toBe('4.20');
      expect(costAfter(d('3'), d('5.00'), { kind: 'return', quantity: d('1'), unitCost: d('4.00') }).toFixed(2)).toBe('4.75');
      expect(costAfter(d('3'), d('5.00'), { kind: 'revaluation', quantity: d('0'), unitCost: d('7.25') }).toFixed(2)).toBe('7.25');
      for (const kind of ['sale', 'receipt', 'adjustment'] as const)
        expect(costAfter(d('3'), d('5.00'), { kind, quantity: d(kind === 'sale' ? '-2' : '2') }).toFixed(2)).toBe('5.00');
    });
  });

  describe('on PGlite', () => {
    let app: TestApp;
    let owner: Scope;
    let tenantId: number;
    let unitId: number;

    beforeAll(async () => {
      app = await startTestApp({ driver: 'pglite', redis: false });
      const t = await app.createTenantWithOwner();
      tenantId = t.tenantId;
      owner = { tenantId, userId: t.owner.id, role: 'owner', db: app.deps.tenantDb(tenantId) };
      unitId = (await app.deps.settings.uoms.create(owner, { code: 'unit', name: 'Unit' })).id;
    }, 180_000);
    afterAll(async () => {
      await app?.close();
    });

    const product = async (cost: string, openingStock = '10') =>
      (
        await app.deps.catalog.products.create(owner, {
          sku: `C-${randomUUID().slice(0, 8)}`,
          name: 'Costed',
          unitId: String(unitId),
          price: '20.00',
          cost,
          openingStock,
        })
      ).id;
    const movements = (productId: number) => app.deps.db.prisma.stockMovement.findMany({ where: { productId }, orderBy: { id: 'asc' } });

    it('applies one call’s movements in order, each row with the average after it; a short product writes nothing', async () => {
      const id = await product('2.00');
      const prisma = app.deps.db.prisma;
      const applied = await prisma.$transaction((tx) =>
        record(tx, tenantId, [
          { productId: id, kind: 'purchase', quantity: d('10'), unitCost: d('4.00') },
          { productId: id, kind: 'sale', quantity: d('-5') },
          { productId: id, kind: 'purchase', quantity: d('5'), unitCost: d('1.00') },
        ]),
      );
      // 10 × 2.00 + 10 × 4.00 = 3.00 on 20; then 15 × 3.00 + 5 × 1.00 = 2.50 on 20.
      expect([applied.onHand.get(id)!.toFixed(), applied.costs.get(id)!.toFixed(2)]).toEqual(['20', '2.50']);
      expect((await movements(id)).map((m) => [m.kind, m.quantity.toFixed(), m.averageCost?.toFixed(2)])).toEqual([
        ['receipt', '10', '2.00'],
        ['purchase', '10', '3.00'],
        ['sale', '-5', '3.00'],
        ['purchase', '5', '2.50'],
      ]);
      const before = await movements(id);
      const short = await prisma.$transaction((tx) =>
        record(tx, tenantId, [
          { productId: id, kind: 'purchase', quantity: d('1'), unitCost: d('9.00') },
          { productId: id, kind: 'sale', quantity: d('-30') },
        ]),
      );
      expect(short.short).toEqual([id]);
      expect(await movements(id)).toEqual(before);
      expect((await prisma.product.findUniqueOrThrow({ where: { id } })).cost.toFixed(2)).toBe('2.50');
    });

    it('a cost changed in the product form is a revaluation row of the ledger, and the ledger recomputes it', async () => {
      const id = await product('3.00');
      const stored = await app.deps.db.prisma.product.findUniqueOrThrow({ where: { id } });
      await app.deps.catalog.products.update(owner, id, {
        sku: stored.sku,
        name: stored.name,
        unitId: String(unitId),
        price: '20.00',
        cost: '3.40',
        reorderLevel: '0',
        active: 'on',
      });
      const rows = await movements(id);
      expect(rows.map((m) => [m.kind, m.quantity.toFixed(), m.unitCost?.toFixed(2), m.averageCost?.toFixed(2), m.reason])).toEqual([
        ['receipt', '10', undefined, '3.00', 'Opening stock'],
        ['revaluation', '0', '3.40', '3.40', 'Cost changed by hand'],
      ]);
      expect(averageFromLedger(rows).toFixed(2)).toBe('3.40');
      expect((await app.deps.db.prisma.product.findUniqueOrThrow({ where: { id } })).cost.toFixed(2)).toBe('3.40');
      // Saving the form again with the same cost writes no row.
      await app.deps.catalog.products.update(owner, id, {
        sku: stored.sku,
        name: 'Renamed',
        unitId: String(unitId),
        price: '20.00',
        cost: '3.40',
        reorderLevel: '0',
        active: 'on',
      });
      expect(await movements(id)).toHaveLength(2);
    });

    it('a cost changed by a CSV import is a revaluation row too', async () => {
      const id = await product('1.10', '4');
      const { sku } = await app.deps.db.prisma.product.findUniqueOrThrow({ where: { id } });
      const result = await app.deps.catalog.productImport.import(owner, `sku,name,unit,price,cost\n${sku},Costed,unit,20.00,1.35\n`);
      expect(result.written).toBe(true);
      const last = (await movements(id)).at(-1)!;
      expect([last.kind, last.unitCost?.toFixed(2), last.averageCost?.toFixed(2), last.reason]).toEqual([
        'revaluation',
        '1.35',
        '1.35',
        'Cost changed by CSV import',
      ]);
      expect((await app.deps.db.prisma.product.findUniqueOrThrow({ where: { id } })).cost.toFixed(2)).toBe('1.35');
    });
  });
});
