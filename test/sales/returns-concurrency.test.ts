import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { balanceSummaryAndRecomputation, ledgerMatches, paymentForm, quantity, saleForm, setUpShopWithServices } from './support.ts';

// On the PostgreSQL server, where transactions really run side by side.
describe('returns, cancellations and till closes › concurrency on postgresql', () => {
  const shop = setUpShopWithServices('postgresql', { poolSize: 30 });
  const returnOf = (lines: Record<number, string>, settlement = 'cash') => ({
    token: newFormToken(),
    settlement,
    lines: Object.entries(lines).map(([lineNo, q]) => ({ lineNo: Number(lineNo), quantity: q })),
  });

  it('20 concurrent returns of 1 unit of a line of 5: exactly 5 succeed, never over-returned', async () => {
    const p = await shop.product({ qty: '50', price: '10.00', taxRate: '0' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '5' }], { payNow: 'cash' }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => shop.services.sales.return(shop.actor('manager'), id, returnOf({ 1: '1' }))),
    );
    expect(
      results
        .filter((r) => r.status === 'rejected' && !(r.reason instanceof ConflictError))
        .map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const line = await shop.prisma.saleLine.findFirstOrThrow({ where: { saleId: id } });
    expect(line.returnedQuantity.toFixed()).toBe('5');
    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect([sale.returnedTotal.toFixed(2), sale.refundedTotal.toFixed(2)]).toEqual(['50.00', '50.00']);
    expect(await shop.prisma.refund.count({ where: { saleId: id } })).toBe(5);
    expect(await quantity(shop.prisma, p)).toBe('50');
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
  });

  it('20 concurrent returns of 2 units of two lines racing a cancellation: stock and money add up', async () => {
    const a = await shop.product({ qty: '100', price: '4.00', taxRate: '10' });
    const b = await shop.product({ qty: '100', price: '7.50', taxRate: '0' });
    const customer = await shop.customer({ name: 'Racer' });
    const { id } = await shop.services.sales.confirm(
      shop.actor(),
      saleForm(
        [
          { productId: a, quantity: '9' },
          { productId: b, quantity: '9' },
        ],
        { customerId: customer, payNow: 'card' },
      ),
    );
    const work = [
      ...Array.from({ length: 20 }, (_, i) =>
        shop.services.sales.return(
          shop.actor('manager'),
          id,
          returnOf(i % 2 ? { 1: '2', 2: '1' } : { 2: '2', 1: '1' }, i % 3 ? 'card' : 'credit'),
        ),
      ),
      shop.services.sales.cancel(shop.actor('manager'), id, { settlement: 'transfer' }),
    ];
    const results = await Promise.allSettled(work);
    expect(
      results
        .filter((r) => r.status === 'rejected' && !(r.reason instanceof ConflictError))
        .map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    const lines = await shop.prisma.saleLine.findMany({ where: { saleId: id } });
    for (const l of lines) expect(l.returnedQuantity.lessThanOrEqualTo(l.quantity)).toBe(true);
    // Whatever interleaving happened, every unit is back and nothing is owed on the cancelled sale.
    expect([await quantity(shop.prisma, a), await quantity(shop.prisma, b)]).toEqual(['100', '100']);
    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect(sale.status).toBe('cancelled');
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const { summary, recomputed } = await balanceSummaryAndRecomputation(shop.prisma, shop.tenantId);
    expect(summary).toEqual(recomputed);
  });

  it('10 concurrent closes of one till count each cash payment once', async () => {
    const p = await shop.product({ qty: '100', price: '5.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Cash Payer' });
    const cashier = shop.actor('staff');
    // The earlier tests' cash sales were this user's: a first close starts the drawer afresh.
    await shop.services.till.close(cashier, { token: newFormToken(), counted: '50.00' });
    await Promise.all(
      Array.from({ length: 6 }, () =>
        shop.services.sales.confirm(cashier, saleForm([{ productId: p, quantity: '1' }], { payNow: 'cash' })),
      ),
    );
    await shop.services.payments.register(cashier, paymentForm({ customerId: customer, amount: '12.00', method: 'cash' }));
    await shop.services.payments.register(cashier, paymentForm({ customerId: customer, amount: '99.00', method: 'card' }));
    const open = await shop.services.till.open(cashier);
    expect(open.expected.toFixed(2)).toBe('42.00');
    const closes = await Promise.all(
      Array.from({ length: 10 }, () => shop.services.till.close(cashier, { token: newFormToken(), counted: '40.00' })),
    );
    const rows = await shop.prisma.tillClose.findMany({ where: { id: { in: closes.map((c) => c.id) } } });
    expect(rows.reduce((s, r) => s.plus(r.expected), rows[0]!.expected.minus(rows[0]!.expected)).toFixed(2)).toBe('42.00');
    expect(rows.filter((r) => !r.expected.isZero()).map((r) => [r.expected.toFixed(2), r.difference.toFixed(2), r.paymentCount])).toEqual([
      ['42.00', '-2.00', 7],
    ]);
    expect((await shop.services.till.open(cashier)).expected.toFixed(2)).toBe('0.00');
  });
});
