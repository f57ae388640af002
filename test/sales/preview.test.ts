import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { SCRIPT, hostileValues } from '../http/hostile-input.fixtures.ts';
import type { SalePreview } from '../../src/sales/preview-sale.ts';

// The sale form's preview (POST /sales/preview) against confirmation: the total the form
// shows is computed by the code that records the sale, for every way a line can be typed.

const Decimal = Prisma.Decimal;
const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';

// The endpoint answers the service's own shape, read back from JSON.
type Preview = SalePreview;

describe('the sale form preview', () => {
  let app: TestApp;
  let staff: TestClient;
  let tenantId: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const tenant = await app.createTenantWithOwner('Preview Hardware');
    tenantId = tenant.tenantId;
    const prisma = app.deps.db.prisma;
    await prisma.tenant.update({
      where: { id: tenantId },
      data: {
        defaultTaxRate: new Decimal('21'), // The cashier here may change prices and give discounts (the owner's staff limits).
        staffMayOverridePrice: true,
        staffMaxDiscountPct: new Decimal('100'),
      },
    });
    const s = await app.createUser(tenantId, 'staff');
    staff = await app.signIn(s.email, s.password);
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const product = async (sku: string, name: string, price: string, taxRate: string | null, barcodes: string[] = []) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Decimal(price),
          taxRate: taxRate === null ? null : new Decimal(taxRate),
          quantityOnHand: new Decimal(1000),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Decimal(1000) } });
      for (const code of barcodes) await prisma.productBarcode.create({ data: { tenantId, productId: p.id, code } });
      return p.id;
    };
    // Prices and rates chosen so that rounding each line differs from rounding the sum.
    ids.hammer = await product('PV-HAM', 'Claw hammer', '12.345', null);
    ids.screws = await product('PV-SCR', 'Wood screws 4x40', '0.335', '10');
    ids.tape = await product('PV-TAP', 'Duct tape', '3.99', '4', ['8400000000106', '8400000000113']);
    ids.glue = await product('PV-GLU', 'Wood glue', '7.49', null);
    ids.saw = await product('PV-SAW', 'Hand saw', '19.99', '0');
    ids.limited = (
      await prisma.customer.create({ data: { tenantId, name: 'Lena Limit', email: 'lena@example.com', creditLimit: new Decimal('10.00') } })
    ).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  async function preview(
    client: TestClient,
    form: Record<string, string>,
  ): Promise<{ status: number; body: Preview; type: string | null }> {
    const body = new URLSearchParams({ ...form, _csrf: client.csrfToken ?? '' });
    const res = await client.request('POST', '/sales/preview', {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Preview };
  }
  async function newForm(client: TestClient) {
    const page = await client.get('/sales/new');
    expect(page.status).toBe(200);
    return tokenOf(page.html);
  }
  const counts = async () => {
    const prisma = app.deps.db.prisma;
    return { sales: await prisma.sale.count(), tokens: await prisma.formSubmission.count(), movements: await prisma.stockMovement.count() };
  };

  it('a line typed in every way a user can is priced as confirming records it, to the cent', async () => {
    const lines = {
      // picked from the list (the id travels with the SKU)
      'lines[0][product]': 'PV-HAM',
      'lines[0][productId]': String(ids.hammer),
      'lines[0][quantity]': '3',
      // typed SKU, lower case, blank quantity (1)
      'lines[1][product]': 'pv-scr',
      'lines[1][quantity]': '',
      // typed name, with a discount
      'lines[2][product]': 'wood glue',
      'lines[2][quantity]': '2',
      'lines[2][discountPct]': '12.5',
      // scanned barcode (the second of the product's two)
      'lines[3][product]': '8400000000113',
      'lines[3][quantity]': '7',
      // price override and tax override
      'lines[4][product]': 'Hand saw',
      'lines[4][quantity]': '1.5',
      'lines[4][unitPrice]': '18.37',
      'lines[4][taxRate]': '21',
      // an empty row in the middle is ignored, and the rows after it keep their place
      'lines[5][product]': '',
      'lines[6][product]': 'PV-SCR — Wood screws 4x40',
      'lines[6][quantity]': '13',
    };
    const shown = await preview(staff, lines);
    expect(shown.status, JSON.stringify(shown.body.errors)).toBe(200);
    expect(shown.type).toContain('application/json');
    expect(shown.body.errors).toEqual({});
    expect(shown.body.lines.map((l) => [l.row, l.product?.name])).toEqual([
      [0, 'Claw hammer'],
      [1, 'Wood screws 4x40'],
      [2, 'Wood glue'],
      [3, 'Duct tape'],
      [4, 'Hand saw'],
      [6, 'Wood screws 4x40'],
    ]);

    const created = await staff.post('/sales', { token: await newForm(staff), customerId: '', payNow: 'card', ...lines });
    expect(created.status, created.html.slice(0, 300)).toBe(303);
    const sale = await app.deps.db.prisma.sale.findUniqueOrThrow({
      where: { id: Number(/\d+$/.exec(created.location!)![0]) },
      include: { lines: { orderBy: { lineNo: 'asc' } } },
    });
    expect(shown.body.amount).toBe(sale.total.toFixed(2));
    expect(shown.body.total).toBe(`$${sale.total.toFixed(2)}`);
    expect(shown.body.tax).toBe(`$${sale.taxTotal.toFixed(2)}`);
    expect(shown.body.lines.map((l) => l.total)).toEqual(sale.lines.map((l) => `$${l.lineTotal.toFixed(2)}`));
    expect(sale.lines.map((l) => l.quantity.toFixed())).toEqual(['3', '1', '2', '7', '1.5', '13']);
  });

  it('the preview says on its line when a code is unknown, and writes nothing', async () => {
    const before = await counts();
    const shown = await preview(staff, {
      'lines[0][product]': 'PV-TAP',
      'lines[1][product]': '4000000000000',
      'lines[2][product]': 'PV-GLU',
      'lines[2][quantity]': 'two',
    });
    expect(shown.status).toBe(422);
    expect(shown.body.errors).toEqual({
      'lines.1.product': 'No product with SKU, barcode or name “4000000000000”',
      'lines.2.quantity': expect.stringMatching(/Quantity/),
    });
    // The lines that are right are still priced: the tape at 3.99 + 4 %.
    expect(shown.body.lines.map((l) => l.row)).toEqual([0]);
    expect(shown.body.total).toBe('$4.15');
    expect(await counts()).toEqual(before);
  });

  it('the preview says when a quantity is more than is in stock, adding up lines of the same product', async () => {
    const shown = await preview(staff, {
      'lines[0][product]': 'PV-SAW',
      'lines[0][quantity]': '600',
      'lines[1][product]': '8400000000106',
      'lines[1][quantity]': '1',
      'lines[2][product]': 'Hand saw',
      'lines[2][quantity]': '500',
    });
    expect(shown.status).toBe(422);
    expect(shown.body.errors).toEqual({
      'lines.0.quantity': expect.stringMatching(/^Only [\d,.]+ unit of “Hand saw” in stock for all its lines together$/),
      'lines.2.quantity': expect.stringMatching(/^Only [\d,.]+ unit of “Hand saw” in stock for all its lines together$/),
    });
  });

  it('a cash sale shows the change due, records what was tendered, and refuses too little cash', async () => {
    const lines = { 'lines[0][product]': '8400000000106', 'lines[0][quantity]': '2' }; // 2 × 3.99 + 4 % = 8.30
    const shown = await preview(staff, { ...lines, payNow: 'cash', tendered: '20' });
    expect(shown.body.total).toBe('$8.30');
    expect(shown.body.change).toBe('$11.70');

    const before = await counts();
    const short = await preview(staff, { ...lines, payNow: 'cash', tendered: '5' });
    expect(short.status).toBe(422);
    expect(short.body.errors.tendered).toBe('Cash tendered ($5.00) is less than the total ($8.30)');
    const refused = await staff.post('/sales', { token: await newForm(staff), payNow: 'cash', tendered: '5', ...lines });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('id="tendered-error">Cash tendered ($5.00) is less than the total ($8.30)');
    expect(refused.html).toMatch(/name="tendered"[^>]*value="5"/);
    expect(await counts()).toEqual(before);

    const created = await staff.post('/sales', { token: await newForm(staff), payNow: 'cash', tendered: '20', ...lines });
    expect(created.status).toBe(303);
    const sale = await app.deps.db.prisma.sale.findUniqueOrThrow({ where: { id: Number(/\d+$/.exec(created.location!)![0]) } });
    expect(sale.cashTendered?.toFixed(2)).toBe('20.00');
    const page = await staff.get(created.location!);
    expect(page.html).toMatch(/data-tendered data-money>\$20\.00</);
    expect(page.html).toMatch(/data-change data-money>\$11\.70</);
  });

  it("a cashier beyond the owner's staff limits is told on the line before confirming, as confirming refuses", async () => {
    const prisma = app.deps.db.prisma;
    await prisma.tenant.update({ where: { id: tenantId }, data: { staffMayOverridePrice: false, staffMaxDiscountPct: new Decimal('5') } });
    try {
      // Row 1 is left empty, so the messages must land on the rows the form used.
      const lines = {
        'lines[0][product]': 'PV-GLU',
        'lines[0][discountPct]': '10',
        'lines[2][product]': 'PV-SAW',
        'lines[2][unitPrice]': '9.99',
        'lines[3][product]': 'PV-TAP',
        'lines[3][discountPct]': '5',
      };
      const shown = await preview(staff, lines);
      expect(shown.status).toBe(422);
      expect(shown.body.errors['lines.0.discountPct']).toMatch(/At most 5% discount without a manager/);
      expect(shown.body.errors['lines.2.unitPrice']).toMatch(/Only a manager or owner can change the price/);
      expect(shown.body.errors['lines.3.discountPct']).toBeUndefined();
      const before = await counts();
      const refused = await staff.post('/sales', { token: await newForm(staff), payNow: 'card', ...lines });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('At most 5% discount without a manager');
      expect(await counts()).toEqual({ ...before, tokens: before.tokens });
    } finally {
      await prisma.tenant.update({
        where: { id: tenantId },
        data: { staffMayOverridePrice: true, staffMaxDiscountPct: new Decimal('100') },
      });
    }
  });

  it('a customer whose credit limit would be passed is flagged before confirming', async () => {
    const shown = await preview(staff, { customerId: String(ids.limited), 'lines[0][product]': 'PV-SAW' });
    expect(shown.status).toBe(422);
    expect(shown.body.errors.customerId).toMatch(/^Over the credit limit: Lena Limit owes \$0\.00; with this sale of \$19\.99/);
    const paidNow = await preview(staff, { customerId: String(ids.limited), payNow: 'card', 'lines[0][product]': 'PV-SAW' });
    expect(paidNow.status).toBe(200);
  });

  it('a form sent back with errors still shows each line’s product and amount (no script needed)', async () => {
    const res = await staff.post('/sales', {
      token: await newForm(staff),
      'lines[0][product]': '8400000000106',
      'lines[0][quantity]': '1',
      'lines[1][product]': 'nothing-like-this',
    });
    expect(res.status).toBe(422);
    expect(res.html).toContain('<span class="line-name small" data-line-name>Duct tape · PV-TAP</span>');
    expect(res.html).toMatch(/data-line-total data-money>\$4\.15</);
  });

  it('hostile values in any field: JSON with a readable message, never a 500, nothing written', async () => {
    const base: Record<string, unknown> = {
      customerId: '',
      payNow: 'cash',
      tendered: '50',
      'lines[0][product]': 'PV-TAP',
      'lines[0][productId]': '',
      'lines[0][quantity]': '1',
      'lines[0][unitPrice]': '',
      'lines[0][discountPct]': '',
      'lines[0][taxRate]': '',
    };
    const before = await counts();
    for (const name of Object.keys(base)) {
      for (const { label, value } of hostileValues) {
        const sent = { ...base, [name]: value };
        const json = Object.values(sent).some((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
        let body: string;
        let type: string;
        if (json) {
          body = JSON.stringify({ ...sent, _csrf: staff.csrfToken });
          type = 'application/json';
        } else {
          const form = new URLSearchParams();
          for (const [k, v] of Object.entries({ ...sent, _csrf: staff.csrfToken }))
            for (const item of Array.isArray(v) ? v : [v]) form.append(k, String(item));
          body = form.toString();
          type = 'application/x-www-form-urlencoded';
        }
        const res = await staff.request('POST', '/sales/preview', { body, headers: { 'content-type': type, accept: 'application/json' } });
        const where = `${name} ← ${label}: ${res.status}`;
        expect([200, 413, 422], where).toContain(res.status);
        if (res.status === 413) continue;
        expect(res.headers.get('content-type'), where).toContain('application/json');
        const p = (await res.json()) as Preview;
        for (const m of Object.values(p.errors))
          expect(m, where).not.toMatch(/\[object |undefined|NaN|Invalid input|expected \w+, received|Error:/);
        // A value that reaches a message stays text: the form writes messages with textContent.
        if (res.status === 422) expect(Object.keys(p.errors).length, where).toBeGreaterThan(0);
        expect(JSON.stringify(p.lines), where).not.toContain(SCRIPT);
      }
    }
    expect(await counts()).toEqual(before);
    const noToken = await staff.request('POST', '/sales/preview', {
      body: new URLSearchParams({ 'lines[0][product]': 'PV-TAP' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(noToken.status).toBe(403);
    const outsider = app.client();
    const signedOut = await outsider.request('POST', '/sales/preview', {
      body: 'lines%5B0%5D%5Bproduct%5D=PV-TAP',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(signedOut.status).toBeGreaterThanOrEqual(300);
    expect(signedOut.status).not.toBe(200);
  });

  it('another business’s products and customers are unknown to the preview', async () => {
    const other = await app.createTenantWithOwner('Elsewhere');
    const owner = await app.signIn(other.owner.email, other.owner.password);
    const shown = await preview(owner, {
      customerId: String(ids.limited),
      'lines[0][product]': '8400000000106',
      'lines[1][product]': 'x',
      'lines[1][productId]': String(ids.hammer),
    });
    expect(shown.status).toBe(422);
    expect(shown.body.lines).toEqual([]);
    expect(Object.keys(shown.body.errors).sort()).toEqual(['customerId', 'lines.0.product', 'lines.1.product']);
  });
});
