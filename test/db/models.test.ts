import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../helpers/database.ts';

const dec = (v: string) => new Prisma.Decimal(v);

describe('database', () => {
  describe.each(drivers)('models on %s', (driver) => {
    let t: TestDatabase;
    let prisma: PrismaClient;

    beforeAll(async () => {
      t = await createTestDatabase(driver);
      prisma = t.db.prisma;
    }, 180_000);
    afterAll(async () => {
      await t?.drop();
    });

    it('writes and reads every model through Prisma, money and quantities exactly', async () => {
      const tenant = await prisma.tenant.create({
        data: { name: 'Shop', currency: 'EUR', timeZone: 'Europe/Berlin', defaultTaxRate: dec('19.00') },
      });
      const user = await prisma.user.create({
        data: {
          tenantId: tenant.id,
          email: `owner-${driver}@example.test`,
          passwordHash: 'x',
          role: 'owner',
          recoveryCodeHashes: ['a', 'b'],
        },
      });
      const parent = await prisma.category.create({ data: { tenantId: tenant.id, name: 'Drinks' } });
      const child = await prisma.category.create({ data: { tenantId: tenant.id, name: 'Juice', parentId: parent.id } });
      const unit = await prisma.unit.create({ data: { tenantId: tenant.id, code: 'l', name: 'Litre' } });
      const product = await prisma.product.create({
        data: {
          tenantId: tenant.id,
          sku: 'OJ-1',
          name: 'Orange juice',
          categoryId: child.id,
          unitId: unit.id,
          price: dec('2.49'),
          cost: dec('1.10'),
          taxRate: dec('7.00'),
          quantityOnHand: dec('10.500'),
          reorderLevel: dec('2'),
        },
      });
      const customer = await prisma.customer.create({
        data: { tenantId: tenant.id, name: 'Ada', email: 'ada@example.test', creditLimit: dec('100.00') },
      });
      const sale = await prisma.sale.create({
        data: {
          tenantId: tenant.id,
          number: 1,
          customerId: customer.id,
          subtotal: dec('4.98'),
          taxTotal: dec('0.35'),
          total: dec('5.33'),
          paidTotal: dec('5.00'),
          createdById: user.id,
        },
      });
      await prisma.saleLine.create({
        data: {
          tenantId: tenant.id,
          saleId: sale.id,
          lineNo: 1,
          productId: product.id,
          quantity: dec('2'),
          unitPrice: dec('2.49'),
          discountPct: dec('0'),
          taxRate: dec('7.00'),
          lineSubtotal: dec('4.98'),
          lineTax: dec('0.35'),
          lineTotal: dec('5.33'),
          unitCost: dec('1.20'),
          lineCost: dec('2.40'),
        },
      });
      await prisma.payment.create({
        data: { tenantId: tenant.id, amount: dec('5.00'), method: 'card', customerId: customer.id, saleId: sale.id, createdById: user.id },
      });
      await prisma.stockMovement.create({
        data: { tenantId: tenant.id, productId: product.id, kind: 'sale', quantity: dec('-2'), saleId: sale.id, userId: user.id },
      });
      await prisma.balanceDay.create({
        data: {
          tenantId: tenant.id,
          customerKey: 0,
          day: new Date('2026-01-15T00:00:00Z'),
          salesTotal: dec('5.33'),
          paymentsTotal: dec('5.00'),
        },
      });
      await prisma.formSubmission.create({ data: { tenantId: tenant.id, token: 'tok-1', resultUrl: `/sales/${sale.id}` } });
      await prisma.session.create({
        data: {
          sid: `sid-${driver}`,
          data: { userId: user.id, nested: { ok: true } },
          userId: user.id,
          expiresAt: new Date('2030-01-01T00:00:00Z'),
        },
      });
      const invalidation = await prisma.cacheInvalidation.create({ data: { tenantId: tenant.id, modules: ['balance', 'products'] } });

      const read = await prisma.sale.findUniqueOrThrow({
        where: { id: sale.id },
        include: {
          lines: { include: { product: { include: { category: { include: { parent: true } }, unit: true } } } },
          payments: true,
          movements: true,
          customer: true,
          createdBy: true,
        },
      });
      expect(read.total.toString()).toBe('5.33');
      expect(read.paidTotal.toString()).toBe('5');
      expect(read.customer?.creditLimit?.toFixed(2)).toBe('100.00');
      expect(read.createdBy?.recoveryCodeHashes).toEqual(['a', 'b']);
      const line = read.lines[0]!;
      expect(line.product.quantityOnHand.toFixed(3)).toBe('10.500');
      expect(line.product.category?.parent?.name).toBe('Drinks');
      expect(line.product.unit.code).toBe('l');
      expect(read.payments.map((p) => [p.method, p.amount.toFixed(2)])).toEqual([['card', '5.00']]);
      expect(read.movements.map((m) => m.quantity.toString())).toEqual(['-2']);

      const day = await prisma.balanceDay.findUniqueOrThrow({
        where: { tenantId_customerKey_day: { tenantId: tenant.id, customerKey: 0, day: new Date('2026-01-15T00:00:00Z') } },
      });
      expect(day.salesTotal.toFixed(2)).toBe('5.33');
      expect(day.day.toISOString()).toBe('2026-01-15T00:00:00.000Z');
      expect(
        (await prisma.formSubmission.findUniqueOrThrow({ where: { tenantId_token: { tenantId: tenant.id, token: 'tok-1' } } })).resultUrl,
      ).toBe(`/sales/${sale.id}`);
      expect((await prisma.session.findUniqueOrThrow({ where: { sid: `sid-${driver}` } })).data).toEqual({
        userId: user.id,
        nested: { ok: true },
      });
      const readInvalidation = await prisma.cacheInvalidation.findUniqueOrThrow({ where: { id: invalidation.id } });
      expect(typeof readInvalidation.id).toBe('bigint');
      expect(readInvalidation.modules).toEqual(['balance', 'products']);
      const readTenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
      expect([readTenant.currency, readTenant.defaultTaxRate.toFixed(2), readTenant.lastSaleNumber]).toEqual(['EUR', '19.00', 0]);
    });
  });
});
