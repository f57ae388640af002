import { describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { NotFoundError, ValidationError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { customerStatement } from '../../src/customers/statement.ts';
import { openBalance } from '../../src/balance/open-balance.ts';
import { addDays, localDay } from '../../src/time.ts';
import { makeShop, paymentForm, saleForm, setUpShopWithServices } from '../sales/support.ts';

describe.each(drivers)('customers on %s', (driver) => {
  const shop = setUpShopWithServices(driver, { timeZone: 'America/Sao_Paulo' });

  it('creates once per token, edits, and finds by search', async () => {
    const form = { token: newFormToken(), name: '  Chloé Dubois ', email: 'Chloe@Example.com', creditLimit: '250.50' };
    const a = await shop.services.customers.create(shop.actor(), form);
    const b = await shop.services.customers.create(shop.actor(), form);
    expect(b).toEqual({ ...a, replayed: true });
    const row = await shop.prisma.customer.findUniqueOrThrow({ where: { id: a.id } });
    expect([row.name, row.email, row.creditLimit?.toFixed(2)]).toEqual(['Chloé Dubois', 'chloe@example.com', '250.50']);
    await shop.services.customers.update(shop.actor(), a.id, { name: 'Chloé Dubois-Martin', creditLimit: '' });
    expect((await shop.prisma.customer.findUniqueOrThrow({ where: { id: a.id } })).creditLimit).toBeNull();
    const { value: found } = await shop.services.customers.list(shop.actor(), { q: 'dubois' });
    expect(found.customers.map((c) => c.id)).toEqual([a.id]);
  });

  it('refuses bad input with field messages', async () => {
    const error = await shop.services.customers
      .create(shop.actor(), { token: newFormToken(), name: ' ', email: 'nope', creditLimit: '-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fields).sort()).toEqual(['creditLimit', 'email', 'name']);
  });

  it("another tenant's customer is not found and cannot be edited", async () => {
    const other = await makeShop(shop.prisma);
    const foreign = await other.customer();
    await expect(shop.services.customers.get(shop.actor(), foreign)).rejects.toBeInstanceOf(NotFoundError);
    await expect(shop.services.customers.update(shop.actor(), foreign, { name: 'Hijack' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('statement: opening balance, every sale and payment, closing balance', async () => {
    const customer = await shop.customer({ name: 'João Silva' });
    const p = await shop.product({ qty: '50', price: '10.00', taxRate: '0' });
    const s1 = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '3' }], { customerId: customer }));
    const s2 = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }], { customerId: customer }));
    await shop.services.payments.register(shop.actor(), paymentForm({ saleId: s1.id, amount: '12.00' }));
    await shop.services.sales.cancel(shop.actor('manager'), s2.id);
    const yesterday = addDays(localDay(new Date(), 'America/Sao_Paulo'), -1);
    await shop.services.payments.register(shop.actor(), paymentForm({ customerId: customer, amount: '5.00', day: yesterday }));

    const today = localDay(new Date(), 'America/Sao_Paulo');
    const st = await customerStatement(shop.actor(), 'America/Sao_Paulo', customer, today, today);
    expect(st.opening.toFixed(2)).toBe('-5.00');
    expect(st.entries.map((e) => [e.kind, e.debit.toFixed(2), e.credit.toFixed(2), e.balance.toFixed(2)])).toEqual([
      ['sale', '30.00', '0.00', '25.00'],
      ['cancelled', '0.00', '0.00', '25.00'],
      ['payment', '0.00', '12.00', '13.00'],
    ]);
    expect(st.closing.toFixed(2)).toBe('13.00');
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('13.00');
    const whole = await customerStatement(shop.actor(), 'America/Sao_Paulo', customer, yesterday, today);
    expect([whole.opening.toFixed(2), whole.entries.length, whole.closing.toFixed(2)]).toEqual(['0.00', 4, '13.00']);
  });
});
