import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { ledgerMatches, paymentForm, quantity, saleForm, setUpShopWithServices } from './support.ts';

// On the PostgreSQL server, where transactions really run side by side.
describe('sales › concurrency on postgresql', () => {
  // A pool as large as the bursts, so what is measured is locking, not waiting for a connection.
  const shop = setUpShopWithServices('postgresql', { poolSize: 50 });

  it('50 concurrent sales of 1 unit of a product with 10: exactly 10 succeed, none oversold', async () => {
    const p = await shop.product({ qty: '10', price: '2.00' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }]))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(refused.filter((r) => !(r.reason instanceof ConflictError)).map((r) => String(r.reason))).toEqual([]);
    expect(await quantity(shop.prisma, p)).toBe('0');
    expect(await shop.prisma.sale.count({ where: { tenantId: shop.tenantId, lines: { some: { productId: p } } } })).toBe(10);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    // Sale numbers stay dense and unique.
    const numbers = (
      await shop.prisma.sale.findMany({ where: { tenantId: shop.tenantId }, select: { number: true }, orderBy: { number: 'asc' } })
    ).map((s) => s.number);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });

  it('20 concurrent payments of 10 against a sale with 100 open: exactly 10 succeed', async () => {
    const customer = await shop.customer();
    const p = await shop.product({ qty: '1', price: '100.00', taxRate: '0' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }], { customerId: customer }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '10.00' }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof ValidationError)).toBe(true);
    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect(sale.paidTotal.toFixed(2)).toBe('100.00');
    expect(await shop.prisma.payment.count({ where: { saleId: id } })).toBe(10);
  });

  it('10 concurrent sales of 30 on account for a customer with a limit of 100: exactly 3 succeed', async () => {
    const customer = await shop.customer({ name: 'Limited', creditLimit: '100.00' });
    const p = await shop.product({ qty: '100', price: '30.00', taxRate: '0' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }], { customerId: customer })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => r.reason instanceof ConflictError && /credit limit/.test(r.reason.message)),
    ).toBe(true);
    expect(await quantity(shop.prisma, p)).toBe('97');
  });

  it('the same sale form submitted 5 times at once records one sale', async () => {
    const p = await shop.product({ qty: '10' });
    const form = saleForm([{ productId: p, quantity: '1' }]);
    const results = await Promise.all(Array.from({ length: 5 }, () => shop.services.sales.confirm(shop.actor(), form)));
    expect(new Set(results.map((r) => r.url)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await quantity(shop.prisma, p)).toBe('9');
  });

  it('the same payment and customer forms submitted 5 times at once record once', async () => {
    const customer = await shop.customer();
    const payment = paymentForm({ customerId: customer, amount: '3.00' });
    const pays = await Promise.all(Array.from({ length: 5 }, () => shop.services.payments.register(shop.actor(), payment)));
    expect(new Set(pays.map((r) => r.id)).size).toBe(1);
    const form = { token: newFormToken(), name: 'Ravi Okafor' };
    const made = await Promise.all(Array.from({ length: 5 }, () => shop.services.customers.create(shop.actor(), form)));
    expect(new Set(made.map((r) => r.id)).size).toBe(1);
    expect(await shop.prisma.customer.count({ where: { tenantId: shop.tenantId, name: 'Ravi Okafor' } })).toBe(1);
  });

  it('crossing sales and cancellations on shared products neither deadlock nor drift', async () => {
    const a = await shop.product({ qty: '100' });
    const b = await shop.product({ qty: '100' });
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        shop.services.sales.confirm(
          shop.actor(),
          saleForm(
            i % 2
              ? [
                  { productId: a, quantity: '1' },
                  { productId: b, quantity: '1' },
                ]
              : [
                  { productId: b, quantity: '2' },
                  { productId: a, quantity: '2' },
                ],
          ),
        ),
      ),
    );
    await Promise.all([
      ...first.slice(0, 5).map((s) => shop.services.sales.cancel(shop.actor('manager'), s.id)),
      ...Array.from({ length: 10 }, () =>
        shop.services.sales.confirm(
          shop.actor(),
          saleForm([
            { productId: b, quantity: '1' },
            { productId: a, quantity: '1' },
          ]),
        ),
      ),
    ]);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
  });
});
