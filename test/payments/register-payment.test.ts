import { beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { openBalance } from '../../src/balance/open-balance.ts';
import { ValidationError } from '../../src/db/errors.ts';
import { addDays, localDay } from '../../src/time.ts';
import { makeShop, paymentForm, saleForm, setUpShopWithServices, snapshot, type Shop } from '../sales/support.ts';

describe.each(drivers)('payments › registerPayment on %s', (driver) => {
  const shop = setUpShopWithServices(driver, { timeZone: 'Asia/Tokyo' });
  let customer: number;
  let saleId: number;
  let saleNumber: number;

  beforeAll(async () => {
    customer = await shop.customer({ name: 'Aiko Tanaka' });
    const p = await shop.product({ qty: '20', price: '25.00', taxRate: '0' });
    const sale = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '4' }], { customerId: customer }));
    saleId = sale.id;
    saleNumber = (await shop.prisma.sale.findUniqueOrThrow({ where: { id: saleId } })).number;
  });

  it('a partial payment then the rest: the open amount and the customer balance reach 0', async () => {
    const first = await shop.services.payments.register(
      shop.actor(),
      paymentForm({ saleId: String(saleId), amount: '40.00', method: 'card' }),
    );
    expect(first.url).toBe(`/payments/${first.id}`);
    let sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id: saleId } });
    expect(sale.paidTotal.toFixed(2)).toBe('40.00');
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('60.00');
    // By the number the user reads on the sale, the customer taken from the sale.
    const second = await shop.services.payments.register(shop.actor(), paymentForm({ saleNumber: `#${saleNumber}`, amount: '60' }));
    const payment = await shop.prisma.payment.findUniqueOrThrow({ where: { id: second.id } });
    expect(payment.customerId).toBe(customer);
    sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id: saleId } });
    expect(sale.paidTotal.toFixed(2)).toBe('100.00');
    expect((await openBalance(shop.actor().db, customer)).toFixed(2)).toBe('0.00');
    const day = localDay(payment.paidAt, 'Asia/Tokyo');
    const row = await shop.prisma.balanceDay.findUniqueOrThrow({
      where: { tenantId_customerKey_day: { tenantId: shop.tenantId, customerKey: customer, day: new Date(`${day}T00:00:00Z`) } },
    });
    expect(row.paymentsTotal.toFixed(2)).toBe('100.00');
  });

  it('the same token twice records one payment', async () => {
    const form = paymentForm({ customerId: customer, amount: '5.00' });
    const a = await shop.services.payments.register(shop.actor(), form);
    const b = await shop.services.payments.register(shop.actor(), form);
    expect(b).toEqual({ ...a, replayed: true });
    expect(await shop.prisma.payment.count({ where: { tenantId: shop.tenantId, amount: 5 } })).toBe(1);
  });

  it('a back-dated payment counts on its own day', async () => {
    const yesterday = addDays(localDay(new Date(), 'Asia/Tokyo'), -1);
    const { id } = await shop.services.payments.register(
      shop.actor(),
      paymentForm({ customerId: customer, amount: '1.00', day: yesterday }),
    );
    const payment = await shop.prisma.payment.findUniqueOrThrow({ where: { id } });
    expect(localDay(payment.paidAt, 'Asia/Tokyo')).toBe(yesterday);
  });

  describe('bad input: refused with a message, nothing written', () => {
    let other: Shop;
    let foreignCustomer: number;
    let open: number;
    beforeAll(async () => {
      other = await makeShop(shop.prisma);
      foreignCustomer = await other.customer();
      const p = await shop.product({ qty: '5', price: '10.00', taxRate: '0' });
      open = (await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '1' }], { customerId: customer }))).id;
    });

    const cases: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
      ['over the open amount', () => paymentForm({ saleId: open, amount: '10.01' }), 'amount', /open amount of sale #\d+ is \$10\.00/],
      ['a fully paid sale', () => paymentForm({ saleId, amount: '0.01' }), 'amount', /already paid in full/],
      ['amount 0', () => paymentForm({ saleId: open, amount: '0' }), 'amount', /more than 0/],
      ['a negative amount', () => paymentForm({ saleId: open, amount: '-5' }), 'amount', /negative/],
      ['a non-numeric amount', () => paymentForm({ saleId: open, amount: '10,00' }), 'amount', /must be a number/],
      ['three decimals', () => paymentForm({ saleId: open, amount: '1.005' }), 'amount', /at most 2 decimals/],
      [
        'an unknown method',
        () => paymentForm({ saleId: open, amount: '1', method: 'bitcoin' }),
        'method',
        /Choose a payment method from the list/,
      ],
      [
        'a future date',
        () => paymentForm({ saleId: open, amount: '1', day: addDays(localDay(new Date(), 'Asia/Tokyo'), 2) }),
        'day',
        /future/,
      ],
      ['an impossible date', () => paymentForm({ saleId: open, amount: '1', day: '2025-02-30' }), 'day', /real date/],
      ['neither customer nor sale', () => paymentForm({ amount: '1' }), 'customerId', /customer who paid/],
      ["another tenant's customer", () => paymentForm({ customerId: foreignCustomer, amount: '1' }), 'customerId', /Unknown customer/],
      ['an unknown sale number', () => paymentForm({ saleNumber: '99999', amount: '1' }), 'saleNumber', /No such sale/],
      [
        'another customer than the sale’s',
        () => paymentForm({ saleId: open, customerId: foreignCustomer, amount: '1' }),
        'customerId',
        /belongs to Aiko Tanaka/,
      ],
    ];

    it.each(cases)('%s', async (_name, form, field, message) => {
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await shop.services.payments.register(shop.actor(), form()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field]).toMatch(message);
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
    });

    it("another tenant's sale is unknown", async () => {
      const error = await shop.services.payments
        .register(other.actor(), paymentForm({ saleId: open, amount: '1' }))
        .catch((e: unknown) => e);
      expect((error as ValidationError).fields.saleId).toMatch(/No such sale/);
    });
  });
});
