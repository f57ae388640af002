import { beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { ConflictError, PermissionError, ValidationError } from '../../src/db/errors.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { balanceSummaryAndRecomputation, ledgerMatches, makeShop, quantity, saleForm, setUpShopWithServices, snapshot } from './support.ts';

async function refused(promise: Promise<unknown>): Promise<ValidationError | ConflictError | PermissionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationError || error instanceof ConflictError || error instanceof PermissionError))
    throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe.each(drivers)('sales › confirmSale on %s', (driver) => {
  const shop = setUpShopWithServices(driver);

  it('records a three-line sale: number, lines, totals to the cent, stock, movements, balance, outbox', async () => {
    const a = await shop.product({ sku: 'A-1', price: '19.99', qty: '10', taxRate: '21' });
    const b = await shop.product({ sku: 'B-1', price: '10.00', qty: '5' });
    const c = await shop.product({ sku: 'C-1', price: '3.33', qty: '4', taxRate: '5' });
    const customer = await shop.customer({ name: 'Luis Silva' });
    // The owner lets staff give up to 15%: a discount at the limit is allowed.
    await shop.prisma.tenant.update({ where: { id: shop.tenantId }, data: { staffMaxDiscountPct: '15' } });
    const before = await shop.prisma.tenant.findUniqueOrThrow({ where: { id: shop.tenantId } });
    await shop.cache.module('balance').memoize(shop.tenantId, 'probe', async () => 'before');
    await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'before');

    const created = await shop.services.sales.confirm(
      shop.actor('staff'),
      saleForm(
        [
          { product: 'a-1', quantity: '3' },
          { productId: b, quantity: '2', discountPct: '15' },
          { product: 'Product C-1', quantity: '1.5', unitPrice: '3.33' },
        ],
        { customerId: String(customer), note: 'first' },
      ),
    );
    expect(created.replayed).toBe(false);
    expect(created.url).toBe(`/sales/${created.id}`);
    const sale = await shop.prisma.sale.findUniqueOrThrow({
      where: { id: created.id },
      include: { lines: { orderBy: { lineNo: 'asc' } } },
    });
    expect(sale.number).toBe(before.lastSaleNumber + 1);
    expect(sale.customerId).toBe(customer);
    // Line B takes the tenant's default tax (10%); A and C their own.
    expect(sale.lines.map((l) => [l.lineSubtotal.toFixed(2), l.lineTax.toFixed(2), l.lineTotal.toFixed(2), l.taxRate.toFixed(2)])).toEqual([
      ['59.97', '12.59', '72.56', '21.00'],
      ['17.00', '1.70', '18.70', '10.00'],
      ['5.00', '0.25', '5.25', '5.00'],
    ]);
    expect([sale.subtotal, sale.discountTotal, sale.taxTotal, sale.total, sale.paidTotal].map((d) => d.toFixed(2))).toEqual([
      '81.97',
      '3.00',
      '14.54',
      '96.51',
      '0.00',
    ]);
    expect([await quantity(shop.prisma, a), await quantity(shop.prisma, b), await quantity(shop.prisma, c)]).toEqual(['7', '3', '2.5']);
    const movements = await shop.prisma.stockMovement.findMany({ where: { saleId: sale.id }, orderBy: { id: 'asc' } });
    expect(movements.map((m) => [m.kind, m.productId, m.quantity.toFixed()])).toEqual([
      ['sale', a, '-3'],
      ['sale', b, '-2'],
      ['sale', c, '-1.5'],
    ]);
    expect(await ledgerMatches(shop.prisma, shop.tenantId)).toBe(true);
    const days = await shop.prisma.balanceDay.findMany({ where: { tenantId: shop.tenantId }, orderBy: { customerKey: 'asc' } });
    expect(days.map((d) => [d.customerKey, d.salesTotal.toFixed(2), d.paymentsTotal.toFixed(2)])).toEqual([
      [0, '96.51', '0.00'],
      [customer, '96.51', '0.00'],
    ]);
    // Invalidated after commit: both modules load afresh.
    expect((await shop.cache.module('balance').memoize(shop.tenantId, 'probe', async () => 'after')).value).toBe('after');
    expect((await shop.cache.module('products').memoize(shop.tenantId, 'probe', async () => 'after')).value).toBe('after');
  });

  it('a sale paid now records the payment with it', async () => {
    const p = await shop.product({ price: '5.00', qty: '3', taxRate: '0' });
    const created = await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: p, quantity: '2' }], { payNow: 'card' }));
    const sale = await shop.prisma.sale.findUniqueOrThrow({ where: { id: created.id }, include: { payments: true } });
    expect(sale.paidTotal.toFixed(2)).toBe('10.00');
    expect(sale.payments.map((x) => [x.method, x.amount.toFixed(2)])).toEqual([['card', '10.00']]);
  });

  it('the same token twice records one sale and returns the first result', async () => {
    const p = await shop.product({ qty: '5' });
    const form = saleForm([{ productId: p, quantity: '1' }]);
    const first = await shop.services.sales.confirm(shop.actor(), form);
    const second = await shop.services.sales.confirm(shop.actor(), form);
    expect(second).toEqual({ id: first.id, url: first.url, replayed: true });
    expect(await quantity(shop.prisma, p)).toBe('4');
  });

  it('a refused token can be used again once the problem is fixed', async () => {
    const p = await shop.product({ qty: '1' });
    const form = saleForm([{ productId: p, quantity: '2' }]);
    await refused(shop.services.sales.confirm(shop.actor(), form));
    const ok = await shop.services.sales.confirm(shop.actor(), { ...form, lines: [{ productId: p, quantity: '1' }] });
    expect(ok.replayed).toBe(false);
  });

  describe('bad input: the form comes back with messages and nothing is written', () => {
    let p: number;
    let inactive: number;
    let foreignProduct: number;
    let foreignCustomer: number;
    beforeAll(async () => {
      p = await shop.product({ sku: 'BAD-1', qty: '5', price: '10.00' });
      inactive = await shop.product({ sku: 'OLD-1', qty: '5', active: false });
      const other = await makeShop(shop.prisma);
      foreignProduct = await other.product({ qty: '100' });
      foreignCustomer = await other.customer();
    });

    const cases: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
      ['quantity 0', () => saleForm([{ productId: p, quantity: '0' }]), 'lines.0.quantity', /more than 0/],
      ['negative quantity', () => saleForm([{ productId: p, quantity: '-2' }]), 'lines.0.quantity', /negative/],
      ['non-numeric quantity', () => saleForm([{ productId: p, quantity: 'two' }]), 'lines.0.quantity', /must be a number/],
      ['too many decimals', () => saleForm([{ productId: p, quantity: '1.2345' }]), 'lines.0.quantity', /at most 3 decimals/],
      [
        'unit price with 3 decimals',
        () => saleForm([{ productId: p, quantity: '1', unitPrice: '1.999' }]),
        'lines.0.unitPrice',
        /at most 2 decimals/,
      ],
      [
        'a discount over 100%',
        () => saleForm([{ productId: p, quantity: '1', discountPct: '100.01' }]),
        'lines.0.discountPct',
        /over 100%/,
      ],
      ['an empty sale', () => saleForm([]), 'lines', /at least one line/],
      ['an unknown product', () => saleForm([{ product: 'NOPE-404', quantity: '1' }]), 'lines.0.product', /No product/],
      ['an unknown product id', () => saleForm([{ productId: 99999999, quantity: '1' }]), 'lines.0.product', /Unknown product/],
      ['an inactive product', () => saleForm([{ productId: inactive, quantity: '1' }]), 'lines.0.product', /inactive/],
      ["another tenant's product", () => saleForm([{ productId: foreignProduct, quantity: '1' }]), 'lines.0.product', /Unknown product/],
      [
        "another tenant's customer",
        () => saleForm([{ productId: p, quantity: '1' }], { customerId: String(foreignCustomer) }),
        'customerId',
        /Unknown customer/,
      ],
      ['a line without a product', () => saleForm([{ quantity: '1' }]), 'lines.0.product', /Choose a product/],
      ['a missing form token', () => ({ lines: [{ productId: p, quantity: '1' }] }), 'token', /expired/],
    ];

    it.each(cases)('%s', async (_name, form, field, message) => {
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await refused(shop.services.sales.confirm(shop.actor(), form()));
      expect(error.fields[field]).toMatch(message);
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
    });

    it('lines short of stock: names each line and what is available', async () => {
      const q = await shop.product({ sku: 'FEW-1', qty: '2' });
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await refused(
        shop.services.sales.confirm(
          shop.actor(),
          saleForm([
            { productId: p, quantity: '1' },
            { productId: q, quantity: '3' },
          ]),
        ),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.fields['lines.1.quantity']).toMatch(/Only 2 unit of “Product FEW-1” in stock/);
      expect(error.fields['lines.0.quantity']).toBeUndefined();
      expect(error.message).toMatch(/line 2 .*3 wanted, 2 available/);
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
    });

    it('two lines of one product together over the stock', async () => {
      const q = await shop.product({ qty: '3' });
      const error = await refused(
        shop.services.sales.confirm(
          shop.actor(),
          saleForm([
            { productId: q, quantity: '2' },
            { productId: q, quantity: '2' },
          ]),
        ),
      );
      expect(error.fields['lines.1.quantity']).toMatch(/all its lines together/);
    });

    it('a sale over the customer credit limit is refused with the figures', async () => {
      const limited = await shop.customer({ name: 'Marta Rossi', creditLimit: '100.00' });
      const q = await shop.product({ price: '30.00', qty: '10', taxRate: '0' });
      await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: q, quantity: '3' }], { customerId: limited }));
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await refused(
        shop.services.sales.confirm(shop.actor(), saleForm([{ productId: q, quantity: '1' }], { customerId: limited })),
      );
      expect(error.fields.customerId).toMatch(/owes \$90\.00.*\$30\.00.*\$120\.00.*limit of \$100\.00/);
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
      // Paid now, it is not on account: allowed.
      await shop.services.sales.confirm(shop.actor(), saleForm([{ productId: q, quantity: '1' }], { customerId: limited, payNow: 'cash' }));
    });

    it('a bad token format is refused', async () => {
      const error = await refused(
        shop.services.sales.confirm(shop.actor(), { ...saleForm([{ productId: p, quantity: '1' }]), token: 'x' }),
      );
      expect(error.fields.token).toMatch(/expired/);
    });
  });

  describe("the owner's staff limits (business settings)", () => {
    let p: number;
    const limits = (staffMaxDiscountPct: string, staffMayOverridePrice: boolean) =>
      shop.prisma.tenant.update({ where: { id: shop.tenantId }, data: { staffMaxDiscountPct, staffMayOverridePrice } });
    beforeAll(async () => {
      p = await shop.product({ sku: 'LIM-1', qty: '100', price: '94.50' });
    });

    it('staff: a discount above the limit is refused on its line and nothing is written; at the limit it is recorded', async () => {
      await limits('10', false);
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await refused(
        shop.services.sales.confirm(
          shop.actor('staff'),
          saleForm([
            { productId: p, quantity: '1' },
            { productId: p, quantity: '1', discountPct: '10.01' },
          ]),
        ),
      );
      expect(error).toBeInstanceOf(PermissionError);
      expect(error.fields).toEqual({ 'lines.1.discountPct': 'At most 10% discount without a manager' });
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
      await shop.services.sales.confirm(shop.actor('staff'), saleForm([{ productId: p, quantity: '1', discountPct: '10' }]));
    });

    it('staff: no discount at all when the limit is 0', async () => {
      await limits('0', false);
      const error = await refused(
        shop.services.sales.confirm(shop.actor('staff'), saleForm([{ productId: p, quantity: '1', discountPct: '0.01' }])),
      );
      expect(error.fields['lines.0.discountPct']).toBe('Only a manager or owner can give a discount here');
    });

    it("staff: selling at 0.01 a unit is refused unless the owner lets staff change prices; the product's own price is fine", async () => {
      await limits('0', false);
      const before = await snapshot(shop.prisma, shop.tenantId);
      const error = await refused(
        shop.services.sales.confirm(shop.actor('staff'), saleForm([{ productId: p, quantity: '5', unitPrice: '0.01' }])),
      );
      expect(error).toBeInstanceOf(PermissionError);
      expect(error.fields['lines.0.unitPrice']).toBe('Only a manager or owner can change the price ($94.50 for “Product LIM-1”)');
      expect(await snapshot(shop.prisma, shop.tenantId)).toBe(before);
      await shop.services.sales.confirm(shop.actor('staff'), saleForm([{ productId: p, quantity: '1', unitPrice: '94.50' }]));
      await limits('0', true);
      const sold = await shop.services.sales.confirm(shop.actor('staff'), saleForm([{ productId: p, quantity: '1', unitPrice: '0.01' }]));
      expect((await shop.prisma.sale.findUniqueOrThrow({ where: { id: sold.id } })).total.toFixed(2)).toBe('0.01');
    });

    it.each(['manager', 'owner'] as const)('%s: not limited (any discount, any price)', async (role) => {
      await limits('0', false);
      const sold = await shop.services.sales.confirm(
        shop.actor(role),
        saleForm([{ productId: p, quantity: '2', unitPrice: '0.01', discountPct: '50', taxRate: '0' }]),
      );
      expect((await shop.prisma.sale.findUniqueOrThrow({ where: { id: sold.id } })).total.toFixed(2)).toBe('0.01');
    });
  });

  it('the balance summary equals its recomputation from raw rows', async () => {
    const { summary, recomputed } = await balanceSummaryAndRecomputation(shop.prisma, shop.tenantId);
    expect(summary).toEqual(recomputed);
    expect(newFormToken()).toMatch(/^[0-9a-f-]{36}$/);
  });
});
