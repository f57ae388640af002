import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, drivers } from '../helpers/database.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { ValidationError } from '../../src/errors.ts';
import { openBalance } from '../../src/customers/open-balance.ts';
import { addDays, localDay } from '../../src/time.ts';
import { makeServices, makeShop, paymentForm, saleForm, snapshot, type Harness, type Shop } from '../sales/support.ts';

describe.each(drivers)('payments › registerPayment on %s', (driver) => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  let h: Harness;
  let shop: Shop;
  let customer: number;
  let saleId: number;
  let saleNumber: number;

  beforeAll(async () => {
    const t = await createTestDatabase(driver);
    prisma = t.db.prisma;
    drop = t.drop;
    h = makeServices(prisma);
    shop = await makeShop(prisma, { timeZone: 'Asia/Tokyo' });
    customer = await shop.customer({ name: 'Aiko Tanaka' });
    const p = await shop.product({ qty: '20', price: '25.00', taxRate: '0' });
    const sale = await h.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '4' }], { customerId: customer }));
    saleId = sale.id;
    saleNumber = (await prisma.sale.findUniqueOrThrow({ where: { id: saleId } })).number;
  });
  afterAll(async () => {
    await h?.close();
    await drop?.();
  });

  it('a partial payment then the rest: the open amount and the customer balance reach 0', async () => {
    const first = await h.services.payments.register(shop.actor(), paymentForm({ saleId: String(saleId), amount: '40.00', method: 'card' }));
    expect(first.url).toBe(`/payments/${first.id}`);
    let sale = await prisma.sale.findUniqueOrThrow({ where: { id: saleId } });
    expect(sale.paidTotal.toFixed(2)).toBe('40.00');
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('60.00');
    // By the number the user reads on the sale, the customer taken from the sale.
    const second = await h.services.payments.register(shop.actor(), paymentForm({ saleNumber: `#${saleNumber}`, amount: '60' }));
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: second.id } });
    expect(payment.customerId).toBe(customer);
    sale = await prisma.sale.findUniqueOrThrow({ where: { id: saleId } });
    expect(sale.paidTotal.toFixed(2)).toBe('100.00');
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('0.00');
    const day = localDay(payment.paidAt, 'Asia/Tokyo');
    const row = await prisma.balanceDay.findUniqueOrThrow({ where: { tenantId_customerKey_day: { tenantId: shop.tenantId, customerKey: customer, day: new Date(`${day}T00:00:00Z`) } } });
    expect(row.paymentsTotal.toFixed(2)).toBe('100.00');
  });

  it('the same token twice records one payment', async () => {
    const form = paymentForm({ customerId: customer, amount: '5.00' });
    const a = await h.services.payments.register(shop.actor(), form);
    const b = await h.services.payments.register(shop.actor(), form);
    expect(b).toEqual({ ...a, replayed: true });
    expect(await prisma.payment.count({ where: { tenantId: shop.tenantId, amount: 5 } })).toBe(1);
  });

  it('a back-dated payment counts on its own day', async () => {
    const yesterday = addDays(localDay(new Date(), 'Asia/Tokyo'), -1);
    const { id } = await h.services.payments.register(shop.actor(), paymentForm({ customerId: customer, amount: '1.00', day: yesterday }));
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id } });
    expect(localDay(payment.paidAt, 'Asia/Tokyo')).toBe(yesterday);
  });

  describe('bad input: refused with a message, nothing written', () => {
    let other: Shop;
    let foreignCustomer: number;
    let open: number;
    beforeAll(async () => {
      other = await makeShop(prisma);
      foreignCustomer = await other.customer();
      const p = await shop.product({ qty: '5', price: '10.00', taxRate: '0' });
      open = (await h.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }], { customerId: customer }))).id;
    });

    const cases: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
      ['over the open amount', () => paymentForm({ saleId: open, amount: '10.01' }), 'amount', /open amount of sale #\d+ is \$10\.00/],
      ['a fully paid sale', () => paymentForm({ saleId, amount: '0.01' }), 'amount', /already paid in full/],
      ['amount 0', () => paymentForm({ saleId: open, amount: '0' }), 'amount', /more than 0/],
      ['a negative amount', () => paymentForm({ saleId: open, amount: '-5' }), 'amount', /negative/],
      ['a non-numeric amount', () => paymentForm({ saleId: open, amount: '10,00' }), 'amount', /must be a number/],
      ['three decimals', () => paymentForm({ saleId: open, amount: '1.005' }), 'amount', /at most 2 decimals/],
      ['an unknown method', () => paymentForm({ saleId: open, amount: '1', method: 'bitcoin' }), 'method', /cash, card/],
      ['a future date', () => paymentForm({ saleId: open, amount: '1', day: addDays(localDay(new Date(), 'Asia/Tokyo'), 2) }), 'day', /future/],
      ['an impossible date', () => paymentForm({ saleId: open, amount: '1', day: '2025-02-30' }), 'day', /real date/],
      ['neither customer nor sale', () => paymentForm({ amount: '1' }), 'customerId', /customer who paid/],
      ["another tenant's customer", () => paymentForm({ customerId: foreignCustomer, amount: '1' }), 'customerId', /Unknown customer/],
      ['an unknown sale number', () => paymentForm({ saleNumber: '99999', amount: '1' }), 'saleNumber', /No such sale/],
      ['another customer than the sale’s', () => paymentForm({ saleId: open, customerId: foreignCustomer, amount: '1' }), 'customerId', /belongs to Aiko Tanaka/],
    ];

    it.each(cases)('%s', async (_name, form, field, message) => {
      const before = await snapshot(prisma, shop.tenantId);
      const error = await h.services.payments.register(shop.actor(), form()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field]).toMatch(message);
      expect(await snapshot(prisma, shop.tenantId)).toBe(before);
    });

    it("another tenant's sale is unknown", async () => {
      const error = await h.services.payments.register(other.actor(), paymentForm({ saleId: open, amount: '1' })).catch((e: unknown) => e);
      expect((error as ValidationError).fields.saleId).toMatch(/No such sale/);
    });
  });
});
