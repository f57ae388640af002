import { describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { openBalance } from '../../src/balance/open-balance.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/db/errors.ts';
import {
  balanceSummaryAndRecomputation,
  ledgerMatches,
  makeShop,
  paymentForm,
  quantity,
  saleForm,
  setUpShopWithServices,
} from './support.ts';

describe.each(drivers)('sales › cancelSale on %s', (driver) => {
  const shop = setUpShopWithServices(driver, { timeZone: 'Europe/Madrid' });

  it('a manager cancels: stock back with movements, status cancelled, reversal in the balance', async () => {
    const p = await shop.product({ qty: '10', price: '12.50', taxRate: '0' });
    const q = await shop.product({ qty: '4', price: '1.00', taxRate: '0' });
    const customer = await shop.customer();
    const { id } = await shop.services.sales.confirm(
      shop.actor('staff'),
      saleForm(
        [
          { productId: p, quantity: '4' },
          { productId: q, quantity: '1' },
          { productId: p, quantity: '1' },
        ],
        { customerId: customer },
      ),
    );
    expect(await quantity(shop.prisma, p)).toBe('5');
    await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'before');

    await expect(shop.services.sales.cancel(shop.actor('staff'), id)).rejects.toBeInstanceOf(ForbiddenError);
    const { number } = await shop.services.sales.cancel(shop.actor('manager'), id);

    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect(sale.number).toBe(number);
    expect(sale.status).toBe('cancelled');
    expect(sale.cancelledById).toBe(shop.users.manager);
    expect([await quantity(shop.prisma, p), await quantity(shop.prisma, q)]).toEqual(['10', '4']);
    const back = await shop.prisma.stockMovement.findMany({ where: { saleId: id, kind: 'cancellation' }, orderBy: { id: 'asc' } });
    expect(back.map((m) => [m.productId, m.quantity.toFixed()])).toEqual([
      [p, '4'],
      [q, '1'],
      [p, '1'],
    ]);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('0.00');
    expect((await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'after')).value).toBe('after');
  });

  it('cancelling twice is refused; an unknown or foreign sale is not found', async () => {
    const p = await shop.product({ qty: '3' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }]));
    await shop.services.sales.cancel(shop.actor('owner'), id);
    await expect(shop.services.sales.cancel(shop.actor('owner'), id)).rejects.toBeInstanceOf(ConflictError);
    expect(await quantity(shop.prisma, p)).toBe('3');
    await expect(shop.services.sales.cancel(shop.actor('owner'), 99999999)).rejects.toBeInstanceOf(NotFoundError);
    const other = await makeShop(shop.prisma);
    await expect(shop.services.sales.cancel(other.actor('owner'), id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a cancelled sale cannot be paid', async () => {
    const p = await shop.product({ qty: '3', price: '10.00' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }]));
    await shop.services.sales.cancel(shop.actor('manager'), id);
    const error = await shop.services.payments
      .register(shop.actor(), paymentForm({ saleId: String(id), amount: '1.00' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.saleId).toMatch(/cancelled/);
    expect(await shop.prisma.payment.count({ where: { saleId: id } })).toBe(0);
  });

  it('a paid sale that is cancelled leaves the customer in credit', async () => {
    const p = await shop.product({ qty: '3', price: '10.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Zoë Novak' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }], { customerId: customer }));
    await shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '5.00' }));
    await shop.services.sales.cancel(shop.actor('manager'), id);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('-5.00');
  });

  it('the balance summary equals its recomputation from raw rows', async () => {
    const { summary, recomputed } = await balanceSummaryAndRecomputation(shop.prisma, shop.tenantId);
    expect(summary).toEqual(recomputed);
  });
});
