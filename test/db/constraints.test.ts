import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { isUniqueViolation } from '../../src/db/errors.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../helpers/database.ts';

const dec = (v: string) => new Prisma.Decimal(v);

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the database to refuse the write');
  return error;
}

/** The error names the constraint (Prisma puts the driver's message in `message` or `meta`). */
function mentions(error: Error, constraint: string): boolean {
  return JSON.stringify({ message: error.message, meta: (error as { meta?: unknown }).meta }).includes(constraint);
}

describe('database', () => {
  describe.each(drivers)('constraints on %s', (driver) => {
    let t: TestDatabase;
    let prisma: PrismaClient;
    let a: { tenant: number; unit: number; category: number };
    let b: { tenant: number; unit: number; category: number };

    async function makeTenant(name: string) {
      const tenant = await prisma.tenant.create({ data: { name } });
      const unit = await prisma.unit.create({ data: { tenantId: tenant.id, code: 'kg', name: 'Kilogram' } });
      const category = await prisma.category.create({ data: { tenantId: tenant.id, name: 'Fruit' } });
      return { tenant: tenant.id, unit: unit.id, category: category.id };
    }
    const product = (owner: { tenant: number; unit: number }, sku: string, extra: Partial<Prisma.ProductUncheckedCreateInput> = {}) =>
      prisma.product.create({ data: { tenantId: owner.tenant, unitId: owner.unit, sku, name: sku, price: dec('1.00'), ...extra } });
    const sale = (tenantId: number, number: number, extra: Partial<Prisma.SaleUncheckedCreateInput> = {}) =>
      prisma.sale.create({ data: { tenantId, number, subtotal: dec('10'), taxTotal: dec('0'), total: dec('10'), ...extra } });

    beforeAll(async () => {
      t = await createTestDatabase(driver);
      prisma = t.db.prisma;
      a = await makeTenant('A');
      b = await makeTenant('B');
    }, 180_000);
    afterAll(async () => {
      await t?.drop();
    });

    describe('per-tenant uniqueness', () => {
      it('rejects a second product with the same SKU in one tenant and accepts it in another', async () => {
        await product(a, 'APPLE');
        expect(isUniqueViolation(await failure(product(a, 'APPLE')))).toBe(true);
        await expect(product(b, 'APPLE')).resolves.toMatchObject({ sku: 'APPLE', tenantId: b.tenant });
      });

      it('rejects a second category with the same name in one tenant and accepts it in another', async () => {
        await prisma.category.create({ data: { tenantId: a.tenant, name: 'Veg' } });
        expect(isUniqueViolation(await failure(prisma.category.create({ data: { tenantId: a.tenant, name: 'Veg' } })))).toBe(true);
        await expect(prisma.category.create({ data: { tenantId: b.tenant, name: 'Veg' } })).resolves.toMatchObject({ name: 'Veg' });
      });

      it('rejects a second unit with the same code in one tenant and accepts it in another', async () => {
        await prisma.unit.create({ data: { tenantId: a.tenant, code: 'box', name: 'Box' } });
        expect(isUniqueViolation(await failure(prisma.unit.create({ data: { tenantId: a.tenant, code: 'box', name: 'Box again' } })))).toBe(
          true,
        );
        await expect(prisma.unit.create({ data: { tenantId: b.tenant, code: 'box', name: 'Box' } })).resolves.toMatchObject({
          code: 'box',
        });
      });

      it('rejects a second sale with the same number in one tenant and accepts it in another', async () => {
        await sale(a.tenant, 7);
        expect(isUniqueViolation(await failure(sale(a.tenant, 7)))).toBe(true);
        await expect(sale(b.tenant, 7)).resolves.toMatchObject({ number: 7 });
      });

      it('rejects a second sale with the same invoice number in one tenant and accepts it in another', async () => {
        const invoiced = { invoiceNumber: 3, invoicedAt: new Date() };
        await sale(a.tenant, 300, invoiced);
        expect(isUniqueViolation(await failure(sale(a.tenant, 301, invoiced)))).toBe(true);
        await expect(sale(b.tenant, 300, invoiced)).resolves.toMatchObject({ invoiceNumber: 3 });
      });
    });

    describe('CHECK constraints', () => {
      it('rejects a negative quantity on hand, also by an update', async () => {
        expect(mentions(await failure(product(a, 'NEG', { quantityOnHand: dec('-1') })), 'products_quantity_on_hand_non_negative')).toBe(
          true,
        );
        const p = await product(a, 'ONE', { quantityOnHand: dec('1') });
        const error = await failure(prisma.product.update({ where: { id: p.id }, data: { quantityOnHand: { decrement: dec('1.001') } } }));
        expect(mentions(error, 'products_quantity_on_hand_non_negative')).toBe(true);
        expect((await prisma.product.findUniqueOrThrow({ where: { id: p.id } })).quantityOnHand.toString()).toBe('1');
      });

      it('rejects a negative price, cost or reorder level', async () => {
        expect(mentions(await failure(product(a, 'P1', { price: dec('-0.01') })), 'products_price_non_negative')).toBe(true);
        expect(mentions(await failure(product(a, 'P2', { cost: dec('-1') })), 'products_cost_non_negative')).toBe(true);
        expect(mentions(await failure(product(a, 'P3', { reorderLevel: dec('-1') })), 'products_reorder_level_non_negative')).toBe(true);
      });

      it('rejects a payment of zero', async () => {
        const error = await failure(prisma.payment.create({ data: { tenantId: a.tenant, amount: dec('0'), method: 'cash' } }));
        expect(mentions(error, 'payments_amount_positive')).toBe(true);
      });

      it('rejects a paid total above the sale total or below zero', async () => {
        expect(mentions(await failure(sale(a.tenant, 100, { paidTotal: dec('10.01') })), 'sales_paid_total_between_0_and_total')).toBe(
          true,
        );
        expect(mentions(await failure(sale(a.tenant, 101, { paidTotal: dec('-1') })), 'sales_paid_total_between_0_and_total')).toBe(true);
        await expect(sale(a.tenant, 102, { paidTotal: dec('10') })).resolves.toBeTruthy();
      });

      it('rejects a sale line with no quantity or a discount outside 0-100', async () => {
        const s = await sale(a.tenant, 200);
        const p = await product(a, 'LINE');
        const line = (lineNo: number, quantity: string, discountPct: string) =>
          prisma.saleLine.create({
            data: {
              tenantId: a.tenant,
              saleId: s.id,
              lineNo,
              productId: p.id,
              quantity: dec(quantity),
              discountPct: dec(discountPct),
              unitPrice: dec('1'),
              lineSubtotal: dec('1'),
              lineTax: dec('0'),
              lineTotal: dec('1'),
              unitCost: dec('0.40'),
              lineCost: dec('0.40'),
            },
          });
        expect(mentions(await failure(line(1, '0', '0')), 'sale_lines_quantity_positive')).toBe(true);
        expect(mentions(await failure(line(2, '1', '100.01')), 'sale_lines_discount_pct_between_0_and_100')).toBe(true);
        expect(mentions(await failure(line(3, '1', '-1')), 'sale_lines_discount_pct_between_0_and_100')).toBe(true);
        await expect(line(4, '0.001', '100')).resolves.toBeTruthy();
      });

      it('rejects an unknown receipt format, an invoice number of 0 and an invoice number without its date', async () => {
        expect(
          mentions(await failure(prisma.tenant.create({ data: { name: 'Wide', receiptFormat: '110mm' } })), 'tenants_receipt_format_known'),
        ).toBe(true);
        expect(
          mentions(await failure(sale(a.tenant, 400, { invoiceNumber: 0, invoicedAt: new Date() })), 'sales_invoice_number_positive'),
        ).toBe(true);
        expect(mentions(await failure(sale(a.tenant, 401, { invoiceNumber: 9 })), 'sales_invoiced_together')).toBe(true);
      });

      it('rejects a default tax rate outside 0-100', async () => {
        expect(
          mentions(
            await failure(prisma.tenant.create({ data: { name: 'Taxed', defaultTaxRate: dec('100.01') } })),
            'tenants_default_tax_rate_between_0_and_100',
          ),
        ).toBe(true);
      });
    });

    describe('tenant isolation by composite foreign keys', () => {
      it("rejects a product of tenant A in tenant B's category", async () => {
        const error = await failure(product(a, 'CROSS-CAT', { categoryId: b.category }));
        expect(mentions(error, 'products_tenant_id_category_id_fkey')).toBe(true);
      });

      it("rejects a product of tenant A with tenant B's unit", async () => {
        const error = await failure(product({ tenant: a.tenant, unit: b.unit }, 'CROSS-UNIT'));
        expect(mentions(error, 'products_tenant_id_unit_id_fkey')).toBe(true);
      });

      it("rejects a category of tenant A under tenant B's category", async () => {
        const error = await failure(prisma.category.create({ data: { tenantId: a.tenant, name: 'Cross child', parentId: b.category } }));
        expect(mentions(error, 'categories_tenant_id_parent_id_fkey')).toBe(true);
      });

      it('accepts the same references within one tenant', async () => {
        await expect(product(a, 'OWN', { categoryId: a.category })).resolves.toMatchObject({ categoryId: a.category, unitId: a.unit });
      });
    });
  });
});
