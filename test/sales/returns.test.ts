import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { openBalance } from '../../src/balance/open-balance.ts';
import { verifyBalanceSummary } from '../../src/balance/verify.ts';
import { drivers } from '../helpers/database.ts';
import { bucketDetail } from '../../src/balance/bucket-detail.ts';
import { customerStatement } from '../../src/customers/statement.ts';
import { localDay } from '../../src/time.ts';
import {
  balanceSummaryAndRecomputation,
  ledgerMatches,
  makeShop,
  paymentForm,
  quantity,
  saleForm,
  setUpShopWithServices,
  snapshot,
  type ShopWithServices,
} from './support.ts';

// Returns, refunds and cancellations that give money back: stock through the ledger, the
// sale's worth and the balance summary in the same transaction.

const returnForm = (lines: Record<number, string>, settlement = 'cash', extra: Record<string, unknown> = {}) => ({
  token: newFormToken(),
  settlement,
  ...extra,
  lines: Object.entries(lines).map(([lineNo, quantity]) => ({ lineNo: Number(lineNo), quantity })),
});

async function refundsOf(shop: ShopWithServices, saleId: number) {
  return (await shop.prisma.refund.findMany({ where: { saleId }, orderBy: { id: 'asc' } })).map((r) => [r.method, r.amount.toFixed(2)]);
}

describe.each(drivers)('sales › returns on %s', (driver) => {
  const shop = setUpShopWithServices(driver, { timeZone: 'Europe/Madrid' });

  it('a manager returns one unit of a cash sale: stock back with a return movement, cash refunded, the sale worth less', async () => {
    const p = await shop.product({ qty: '10', price: '12.50', taxRate: '21' });
    const q = await shop.product({ qty: '5', price: '3.00', taxRate: '0' });
    const owedBefore = await openBalance(shop.actor().db, 0);
    const { id } = await shop.services.sales.confirm(
      shop.actor('staff'),
      saleForm(
        [
          { productId: p, quantity: '3' },
          { productId: q, quantity: '2' },
        ],
        { payNow: 'cash' },
      ),
    );
    const sold = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect(sold.total.toFixed(2)).toBe('51.38');

    await expect(shop.services.sales.return(shop.actor('staff'), id, returnForm({ 1: '1' }))).rejects.toBeInstanceOf(ForbiddenError);
    await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'before');
    await shop.cache.module('balance').memoize(shop.tenantId, 'probe', async () => 'before');
    const created = await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'cash', { reason: 'Wrong size' }));

    const ret = await shop.prisma.return.findUniqueOrThrow({ where: { id: created.id }, include: { lines: true } });
    // 12.50 + 21 % = 15.13 (12.50 + 2.63): one unit's share, rounded as the sale was.
    expect([ret.total.toFixed(2), ret.subtotal.toFixed(2), ret.taxTotal.toFixed(2), ret.settlement, ret.reason]).toEqual([
      '15.13',
      '12.50',
      '2.63',
      'refund',
      'Wrong size',
    ]);
    expect(ret.lines.map((l) => [l.productId, l.quantity.toFixed()])).toEqual([[p, '1']]);
    expect(await quantity(shop.prisma, p)).toBe('8');
    const movement = await shop.prisma.stockMovement.findFirstOrThrow({ where: { returnId: created.id } });
    expect([movement.kind, movement.quantity.toFixed(), movement.saleId]).toEqual(['return', '1', id]);
    expect(await refundsOf(shop, id)).toEqual([['cash', '15.13']]);
    const after = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect([after.returnedTotal.toFixed(2), after.refundedTotal.toFixed(2), after.paidTotal.toFixed(2)]).toEqual([
      '15.13',
      '15.13',
      '51.38',
    ]);
    // Paid in full and refunded what came back: the walk-in owes nothing, and is owed nothing.
    expect((await openBalance(shop.actor().db, 0)).toFixed(2)).toBe(owedBefore.toFixed(2));
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    expect((await verifyBalanceSummary(shop.prisma, shop.tenantId)).ok).toBe(true);
    // sale.returned: stock and balance caches were invalidated after the commit.
    expect((await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'after')).value).toBe('after');
    expect((await shop.cache.module('balance').memoize(shop.tenantId, 'probe', async () => 'after')).value).toBe('after');
  });

  it('returning every unit over several returns gives back exactly the line', async () => {
    const p = await shop.product({ qty: '10', price: '3.33', taxRate: '7' });
    const { id } = await shop.services.sales.confirm(
      shop.actor('owner'),
      saleForm([{ productId: p, quantity: '3', discountPct: '10' }], { payNow: 'card' }),
    );
    const line = await shop.prisma.saleLine.findFirstOrThrow({ where: { saleId: id } });
    for (let i = 0; i < 3; i++) await shop.services.sales.return(shop.actor('owner'), id, returnForm({ 1: '1' }, 'card'));
    const returns = await shop.prisma.return.findMany({ where: { saleId: id } });
    const sum = returns.reduce((s, r) => s.plus(r.total), line.lineTotal.minus(line.lineTotal));
    expect(sum.toFixed(2)).toBe(line.lineTotal.toFixed(2));
    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id } });
    expect(sale.returnedTotal.toFixed(2)).toBe(sale.total.toFixed(2));
    expect(sale.refundedTotal.toFixed(2)).toBe(sale.total.toFixed(2));
    expect(await quantity(shop.prisma, p)).toBe('10');
    // Nothing is left to return.
    const error = await shop.services.sales.return(shop.actor('owner'), id, returnForm({ 1: '1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).fields['lines.1.quantity']).toMatch(/Only 0 unit .* left to return \(3 sold, 3 returned\)/);
  });

  it('more than was sold is refused naming the line, and nothing is written', async () => {
    const p = await shop.product({ qty: '10', price: '2.00' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }], { payNow: 'cash' }));
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }));
    const before = await snapshot(shop.prisma, shop.tenantId);
    const returnsBefore = [await shop.prisma.return.count(), await shop.prisma.refund.count()];
    const error = await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '2' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/line 1 \(Product .*: 2 wanted, 1 left\)/);
    expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
    expect([await shop.prisma.return.count(), await shop.prisma.refund.count()]).toEqual(returnsBefore);
  });

  it('bad quantities, no quantity, an unknown line and credit for a walk-in are refused field by field', async () => {
    const p = await shop.product({ qty: '10' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }], { payNow: 'cash' }));
    const fieldsOf = async (form: ReturnType<typeof returnForm>) =>
      ((await shop.services.sales.return(shop.actor('manager'), id, form).catch((e: unknown) => e)) as ValidationError).fields;
    expect((await fieldsOf(returnForm({ 1: '-1' })))['lines.1.quantity']).toBe('Quantity to return cannot be negative');
    expect((await fieldsOf(returnForm({ 1: 'abc' })))['lines.1.quantity']).toBe('Quantity to return must be a number');
    expect((await fieldsOf(returnForm({ 1: '' })))['lines.1.quantity']).toBe('Enter how many units come back');
    expect((await fieldsOf(returnForm({ 1: '0' })))['lines.1.quantity']).toBe('Enter how many units come back');
    expect((await fieldsOf(returnForm({ 7: '1' })))['lines.7.quantity']).toMatch(/has no line 7/);
    expect((await fieldsOf(returnForm({ 1: '1' }, 'credit'))).settlement).toMatch(/walk-in/);
    expect((await fieldsOf(returnForm({ 1: '1' }, 'cheque'))).settlement).toMatch(/cash, card, transfer or credit/);
    expect(await quantity(shop.prisma, p)).toBe('8');
  });

  it("a customer's paid sale returned as credit: no refund, their open balance goes below zero", async () => {
    const p = await shop.product({ qty: '10', price: '10.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Credit Customer' });
    const { id } = await shop.services.sales.confirm(
      shop.actor(),
      saleForm([{ productId: p, quantity: '4' }], { customerId: customer, payNow: 'transfer' }),
    );
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'credit'));
    expect(await refundsOf(shop, id)).toEqual([]);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('-10.00');
    const detail = await shop.services.sales.detail(shop.actor(), id);
    expect([detail.worth.toFixed(2), detail.open.toFixed(2)]).toEqual(['30.00', '-10.00']);
    // The sale is paid beyond its worth: it takes no more payments.
    await expect(shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '1.00' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('a return on an unpaid sale lowers what is owed and refunds nothing', async () => {
    const p = await shop.product({ qty: '10', price: '10.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'On Account' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '3' }], { customerId: customer }));
    await shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '15.00' }));
    const created = await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'cash'));
    const ret = await shop.prisma.return.findUniqueOrThrow({ where: { id: created.id } });
    expect(ret.settlement).toBe('none');
    expect(await refundsOf(shop, id)).toEqual([]);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('5.00');
    // The open amount (5) can still be paid; 6 is too much.
    await expect(shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '6.00' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '5.00' }));
    // Paid 20 of a sale now worth 20; returning one more (10) refunds 10.
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'card'));
    expect(await refundsOf(shop, id)).toEqual([['card', '10.00']]);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('0.00');
  });

  it('the same return form sent twice records one return', async () => {
    const p = await shop.product({ qty: '10' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '5' }], { payNow: 'cash' }));
    const form = returnForm({ 1: '1' });
    const first = await shop.services.sales.return(shop.actor('manager'), id, form);
    const again = await shop.services.sales.return(shop.actor('manager'), id, form);
    expect([again.url, again.replayed]).toEqual([first.url, true]);
    expect(await shop.prisma.return.count({ where: { saleId: id } })).toBe(1);
  });

  it("a cancelled sale takes no return; another business's sale is not found", async () => {
    const p = await shop.product({ qty: '10' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }]));
    await shop.services.sales.cancel(shop.actor('manager'), id);
    await expect(shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }))).rejects.toBeInstanceOf(ConflictError);
    const other = await makeShop(shop.prisma);
    const { id: theirs } = await shop.services.sales.confirm(
      other.actor(),
      saleForm([{ productId: await other.product({ qty: '5' }), quantity: '1' }]),
    );
    await expect(shop.services.sales.return(shop.actor('manager'), theirs, returnForm({ 1: '1' }))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cancelling a walk-in cash sale with a cash refund leaves nothing owed and nothing in credit', async () => {
    const p = await shop.product({ qty: '10', price: '480.34', taxRate: '0' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }], { payNow: 'cash' }));
    const before = await openBalance(shop.actor().db, 0);
    // Without a choice the walk-in's money would be left on a cancelled sale: refused, nothing changes.
    const error = await shop.services.sales.cancel(shop.actor('manager'), id).catch((e: unknown) => e);
    expect((error as ValidationError).fields.settlement).toMatch(/\$480\.34 was paid on this walk-in sale/);
    await expect(shop.services.sales.cancel(shop.actor('manager'), id, { settlement: 'credit' })).rejects.toBeInstanceOf(ValidationError);
    expect((await shop.prisma.sale.findUniqueOrThrow({ where: { id } })).status).toBe('confirmed');
    const done = await shop.services.sales.cancel(shop.actor('manager'), id, { settlement: 'cash' });
    expect(done.refunded.toFixed(2)).toBe('480.34');
    expect(await refundsOf(shop, id)).toEqual([['cash', '480.34']]);
    expect((await openBalance(shop.actor().db, 0)).toFixed(2)).toBe(before.toFixed(2));
    expect(await quantity(shop.prisma, p)).toBe('10');
  });

  it('cancelling after a partial return puts back only the units still out and refunds what is left', async () => {
    const p = await shop.product({ qty: '10', price: '10.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Cancel After Return' });
    const { id } = await shop.services.sales.confirm(
      shop.actor(),
      saleForm([{ productId: p, quantity: '5' }], { customerId: customer, payNow: 'card' }),
    );
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '2' }, 'card'));
    expect(await quantity(shop.prisma, p)).toBe('7');
    const done = await shop.services.sales.cancel(shop.actor('manager'), id, { settlement: 'transfer' });
    expect(done.refunded.toFixed(2)).toBe('30.00');
    expect(await quantity(shop.prisma, p)).toBe('10');
    expect(await refundsOf(shop, id)).toEqual([
      ['card', '20.00'],
      ['transfer', '30.00'],
    ]);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('0.00');
  });

  it('cancelling a paid customer sale can leave the money as their credit', async () => {
    const p = await shop.product({ qty: '10', price: '10.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Keeps Credit' });
    const { id } = await shop.services.sales.confirm(
      shop.actor(),
      saleForm([{ productId: p, quantity: '2' }], { customerId: customer, payNow: 'cash' }),
    );
    const done = await shop.services.sales.cancel(shop.actor('manager'), id, { settlement: 'credit' });
    expect([done.refunded.toFixed(2), done.credit.toFixed(2)]).toEqual(['0.00', '20.00']);
    expect(await refundsOf(shop, id)).toEqual([]);
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('-20.00');
  });

  it('the till expects the cash a user took less the cash they refunded; card money is not in the drawer; history is per user', async () => {
    const p = await shop.product({ qty: '20', price: '10.00', taxRate: '0' });
    const cashier = shop.actor('owner');
    await shop.services.till.close(cashier, { token: newFormToken(), counted: '0' });
    const cash = await shop.services.sales.confirm(cashier, saleForm([{ productId: p, quantity: '3' }], { payNow: 'cash' }));
    await shop.services.sales.confirm(cashier, saleForm([{ productId: p, quantity: '5' }], { payNow: 'card' }));
    await shop.services.sales.return(cashier, cash.id, returnForm({ 1: '1' }, 'cash'));
    const open = await shop.services.till.open(cashier);
    expect([open.cashIn.toFixed(2), open.cashOut.toFixed(2), open.expected.toFixed(2), open.payments, open.refunds]).toEqual([
      '30.00',
      '10.00',
      '20.00',
      1,
      1,
    ]);
    const closed = await shop.services.till.close(cashier, { token: newFormToken(), counted: '21.00', note: 'A coin too many' });
    const row = await shop.services.till.detail(cashier, closed.id);
    expect([row.expected.toFixed(2), row.counted.toFixed(2), row.difference.toFixed(2), row.note]).toEqual([
      '20.00',
      '21.00',
      '1.00',
      'A coin too many',
    ]);
    expect(await shop.prisma.refund.count({ where: { tillCloseId: closed.id } })).toBe(1);
    // Staff see only their own closes and cannot open the owner's; the owner sees everyone's.
    await expect(shop.services.till.detail(shop.actor('staff'), closed.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await shop.services.till.history(shop.actor('staff'))).closes.every((c) => c.user.id === shop.users.staff)).toBe(true);
    expect((await shop.services.till.history(cashier)).closes.map((c) => c.id)).toContain(closed.id);
    const bad = await shop.services.till.close(cashier, { token: newFormToken(), counted: '-5' }).catch((e: unknown) => e);
    expect((bad as ValidationError).fields.counted).toBe('Counted cash cannot be negative');
  });

  it('the till history comes 25 closes to a page, newest first', async () => {
    const staff = shop.actor('staff');
    const already = (await shop.services.till.history(staff)).total;
    for (let i = already; i < 26; i++) await shop.services.till.close(staff, { token: newFormToken(), counted: String(i) });
    const first = await shop.services.till.history(staff, 1);
    const second = await shop.services.till.history(staff, 2);
    expect([first.total, first.pages, first.closes.length, second.closes.length]).toEqual([26, 2, 25, 1]);
    expect(first.closes[0]!.closedAt.getTime()).toBeGreaterThanOrEqual(second.closes[0]!.closedAt.getTime());
    expect(new Set([...first.closes, ...second.closes].map((c) => c.id)).size).toBe(26);
  });

  it("the day's drill-down and the customer's statement add up to the summary with returns and refunds", async () => {
    const p = await shop.product({ qty: '10', price: '8.00', taxRate: '0' });
    const customer = await shop.customer({ name: 'Statement Customer' });
    const { id } = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '4' }], { customerId: customer }));
    await shop.services.payments.register(shop.actor(), paymentForm({ saleId: id, amount: '32.00', method: 'card' }));
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'card'));
    await shop.services.sales.return(shop.actor('manager'), id, returnForm({ 1: '1' }, 'credit'));
    const db = shop.actor().db;
    const today = localDay(new Date(), 'Europe/Madrid');
    const statement = await customerStatement(shop.actor(), 'Europe/Madrid', customer, today, today);
    expect(statement.entries.map((e) => [e.kind, e.debit.toFixed(2), e.credit.toFixed(2)])).toEqual([
      ['sale', '16.00', '0.00'],
      ['payment', '0.00', '32.00'],
      ['refund', '8.00', '0.00'],
    ]);
    expect(statement.closing.toFixed(2)).toBe((await openBalance(db, customer)).toFixed(2));
    expect(statement.closing.toFixed(2)).toBe('-8.00');
    for (const who of [customer, 'all'] as const) {
      const detail = await bucketDetail(shop.actor('owner'), { from: today, to: today, customer: who }, 'Europe/Madrid');
      const row = await shop.prisma.balanceDay.findUniqueOrThrow({
        where: {
          tenantId_customerKey_day: { tenantId: shop.tenantId, customerKey: who === 'all' ? 0 : who, day: new Date(`${today}T00:00:00Z`) },
        },
      });
      expect([detail.salesTotal.toFixed(2), detail.paymentsTotal.toFixed(2)]).toEqual([
        row.salesTotal.toFixed(2),
        row.paymentsTotal.toFixed(2),
      ]);
    }
  });

  it('after all of the above the ledger equals quantity on hand and the balance summary its recomputation', async () => {
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const { summary, recomputed } = await balanceSummaryAndRecomputation(shop.prisma, shop.tenantId);
    expect(summary).toEqual(recomputed);
    expect(await shop.prisma.refund.count({ where: { tenantId: shop.tenantId } })).toBeGreaterThan(0);
    expect((await verifyBalanceSummary(shop.prisma, shop.tenantId)).differences).toEqual([]);
  });
});
