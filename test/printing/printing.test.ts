import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers } from '../helpers/database.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { readPdf } from '../helpers/pdf.ts';

// Receipts, invoices and label sheets over HTTP, on PGlite and on the PostgreSQL server: the
// seller's details from business settings, the tax breakdown equal to the sale's totals,
// invoice numbers per business under concurrent first requests, another business's ids → 404.

const HOOK_TIMEOUT_MS = 180_000;
const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe.each(drivers)('printing receipts, invoices and labels on %s', (driver) => {
  let app: TestApp;
  let owner: TestClient;
  let staff: TestClient;
  let outsider: TestClient;
  let tenantId: number;
  let otherTenantId: number;
  const products: Record<string, number> = {};

  const settings = {
    name: 'Ferretería Central',
    currency: 'EUR',
    timeZone: 'Europe/Madrid',
    defaultTaxRate: '21',
    legalName: 'Ferretería Central S.L.',
    address: 'Calle Mayor 12\n28013 Madrid',
    taxId: 'ESB12345678',
    phone: '+34 910 000 000',
    email: 'tienda@example.com',
    receiptFormat: '80mm',
    // The cashier's 10 % discount below is within the owner's staff limit.
    staffMaxDiscountPct: '10',
  };

  beforeAll(async () => {
    app = await startTestApp({ driver, redis: false });
    const tenant = await app.createTenantWithOwner('Ferretería Central');
    tenantId = tenant.tenantId;
    owner = await app.signIn(tenant.owner.email, tenant.owner.password);
    const s = await app.createUser(tenantId, 'staff');
    staff = await app.signIn(s.email, s.password);
    const other = await app.createTenantWithOwner('Other Shop');
    otherTenantId = other.tenantId;
    outsider = await app.signIn(other.owner.email, other.owner.password);
    expect((await owner.post('/settings/business', settings)).status).toBe(303);

    const prisma = app.deps.db.prisma;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } });
    const product = async (sku: string, name: string, price: string, taxRate: string | null, barcode: string | null, onHand: string) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          ...(barcode ? { barcodes: { create: [{ code: barcode }] } } : {}),
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Prisma.Decimal(price),
          taxRate: taxRate === null ? null : new Prisma.Decimal(taxRate),
          quantityOnHand: new Prisma.Decimal(onHand),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(onHand) } });
      products[sku] = p.id;
    };
    await product('HAM-1', 'Claw hammer', '19.99', null, '5901234123457', '100');
    await product('NAIL-100', 'Nails, box of 100', '2.49', '10', null, '100');
    await product('BOOK-1', 'DIY handbook', '12.00', '4', null, '500');
    // Only labelled, never sold here: their quantities on hand stay as set.
    await product('TAPE-5', 'Tape measure 5 m', '7.50', null, '4006381333931', '3');
    await product('ROPE-KG', 'Sisal rope', '3.20', null, null, '2.5');
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
  });

  async function sell(client: TestClient, lines: Array<[string, string, string?]>, payNow = 'cash'): Promise<number> {
    const page = await client.get('/sales/new');
    const form: Record<string, string> = { token: tokenOf(page.html), payNow };
    lines.forEach(([sku, quantity, discountPct], i) => {
      form[`lines[${i}][product]`] = sku;
      form[`lines[${i}][quantity]`] = quantity;
      if (discountPct) form[`lines[${i}][discountPct]`] = discountPct;
    });
    const res = await client.post('/sales', form);
    expect(res.status, text(res.html).slice(0, 300)).toBe(303);
    return Number(res.location!.split('/').pop());
  }

  const saleRow = (id: number) => app.deps.db.prisma.sale.findUniqueOrThrow({ where: { id } });

  it('a receipt prints the seller from business settings, the lines and the tax by rate that add up to the sale', async () => {
    const id = await sell(staff, [
      ['HAM-1', '2'],
      ['NAIL-100', '3', '10'],
      ['BOOK-1', '1'],
    ]);
    const res = await staff.get(`/sales/${id}/receipt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = text(res.html);
    for (const shown of [
      'Ferretería Central S.L.',
      'Calle Mayor 12',
      '28013 Madrid',
      'Tax id ESB12345678',
      '+34 910 000 000 · tienda@example.com',
      'Claw hammer',
      'Nails, box of 100',
    ])
      expect(page).toContain(shown);
    expect(res.html).toContain('class="receipt receipt-80mm"');
    expect(res.html).toContain('/css/receipt-80mm.css');
    expect(res.html).toContain('data-print hidden');

    // 2 × 19.99 = 39.98 at 21 % → 8.40; 3 × 2.49 less 10 % = 6.72 at 10 % → 0.67; 12.00 at 4 % → 0.48.
    const sale = await saleRow(id);
    expect([sale.subtotal, sale.taxTotal, sale.total].map((d) => d.toFixed(2))).toEqual(['58.70', '9.55', '68.25']);
    const rates = [...res.html.matchAll(/<tr data-tax-rate="([\d.]+)">([\s\S]*?)<\/tr>/g)].map((m) => [
      m[1],
      ...[...m[2]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((c) => c[1]),
    ]);
    expect(rates).toEqual([
      ['21.00', '€39.98', '€8.40', '€48.38'],
      ['10.00', '€6.72', '€0.67', '€7.39'],
      ['4.00', '€12.00', '€0.48', '€12.48'],
    ]);
    expect(res.html).toMatch(/data-total>€68\.25</);
  });

  it('the receipt comes in 58 mm and A4 too; a browser keeps the paper it chose, else the business default decides', async () => {
    const id = await sell(staff, [['BOOK-1', '1']]);
    const user = await app.createUser(tenantId, 'staff');
    const till = await app.signIn(user.email, user.password);
    const a4 = await till.get(`/sales/${id}/receipt?format=a4`);
    expect(a4.html).toContain('class="receipt receipt-a4"');
    expect(a4.html).toContain('/css/receipt-a4.css');
    expect(a4.html).toContain('data-total');
    const narrow = await till.get(`/sales/${id}/receipt?format=58mm`);
    expect(narrow.html).toContain('class="receipt receipt-58mm"');
    expect(till.setCookies.findLast((c) => c.startsWith('receipt_format='))).toMatch(
      /^receipt_format=58mm; Max-Age=31536000; Path=\/sales; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    // The next receipt in this browser: 58 mm again, whatever the default.
    expect((await till.get(`/sales/${id}/receipt`)).html).toContain('class="receipt receipt-58mm"');
    // Not a format (asked, or remembered): the business's default, which the owner sets.
    till.cookies.set('receipt_format', 'bogus');
    expect((await till.get(`/sales/${id}/receipt?format=%3Cscript%3E`)).html).toContain('class="receipt receipt-80mm"');
    expect((await owner.post('/settings/business', { ...settings, receiptFormat: 'a4' })).status).toBe(303);
    expect((await till.get(`/sales/${id}/receipt`)).html).toContain('class="receipt receipt-a4"');
    expect((await owner.post('/settings/business', settings)).status).toBe(303);
  });

  it('a cancelled sale prints CANCELLED on its receipt and on an invoice issued before; none is issued after', async () => {
    const invoiced = await sell(staff, [['BOOK-1', '1']]);
    expect((await staff.request('GET', `/sales/${invoiced}/invoice.pdf`)).status).toBe(200);
    const notInvoiced = await sell(staff, [['BOOK-1', '1']]);
    for (const id of [invoiced, notInvoiced]) expect((await owner.post(`/sales/${id}/cancel`, { settlement: 'cash' })).status).toBe(303);
    expect(text((await staff.get(`/sales/${invoiced}/receipt`)).html)).toMatch(/CANCELLED \d/);
    const pdf = await readPdf(new Uint8Array(await (await staff.request('GET', `/sales/${invoiced}/invoice.pdf`)).arrayBuffer()));
    expect(pdf.text).toContain('CANCELLED');
    const refused = await staff.get(`/sales/${notInvoiced}/invoice.pdf`);
    expect(refused.status).toBe(409);
    expect(text(refused.html)).toContain('a cancelled sale gets no invoice');
    expect((await saleRow(notInvoiced)).invoiceNumber).toBeNull();
  });

  it('the invoice is a PDF with the seller, the customer, the lines, the tax by rate and the totals of the sale', async () => {
    const customer = await app.deps.db.prisma.customer.create({
      data: { tenantId, name: 'Obras Łódź S.A.', address: 'Avenida Sur 3, Sevilla', taxId: 'ESA87654321' },
    });
    const page = await staff.get('/sales/new');
    const res = await staff.post('/sales', {
      token: tokenOf(page.html),
      customerId: String(customer.id),
      'lines[0][product]': 'HAM-1',
      'lines[0][quantity]': '1',
      'lines[1][product]': 'NAIL-100',
      'lines[1][quantity]': '2',
    });
    const id = Number(res.location!.split('/').pop());
    const response = await staff.request('GET', `/sales/${id}/invoice.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const sale = await saleRow(id);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="invoice-${sale.invoiceNumber}.pdf"`);
    const pdf = await readPdf(new Uint8Array(await response.arrayBuffer()));
    expect(pdf.sizes[0]!.width).toBeCloseTo(595.28, 1); // A4
    for (const shown of [
      'Ferretería Central S.L.',
      'Calle Mayor 12',
      'Tax id: ESB12345678',
      `Invoice no. ${sale.invoiceNumber}`,
      `Sale #${sale.number}`,
      'Obras Łódź S.A.',
      'Tax id: ESA87654321',
      'Claw hammer (HAM-1)',
    ])
      expect(pdf.text).toContain(shown);
    // 19.99 at 21 % → 4.20; 2 × 2.49 = 4.98 at 10 % → 0.50.
    expect(pdf.text).toContain('Tax by rate Tax rate Net Tax Total 21% €19.99 €4.20 €24.19 10% €4.98 €0.50 €5.48');
    expect(pdf.text).toContain(
      `Subtotal (net) €${sale.subtotal.toFixed(2)} Tax €${sale.taxTotal.toFixed(2)} Total €${sale.total.toFixed(2)}`,
    );
    expect(sale.total.toFixed(2)).toBe('29.67');
  });

  it('a long invoice runs over pages, each naming its invoice, with every line and the totals at the end', async () => {
    const id = await sell(
      staff,
      Array.from({ length: 60 }, (_, i) => [i % 2 ? 'NAIL-100' : 'BOOK-1', '1'] as [string, string]),
    );
    const pdf = await readPdf(new Uint8Array(await (await staff.request('GET', `/sales/${id}/invoice.pdf`)).arrayBuffer()));
    const sale = await saleRow(id);
    expect(pdf.pages).toBeGreaterThan(1);
    for (const page of pdf.runs.slice(1)) expect(page.join(' ')).toContain(`Invoice no. ${sale.invoiceNumber} (continued)`);
    expect(pdf.runs.flat().filter((r) => r === 'DIY handbook (BOOK-1)' || r === 'Nails, box of 100 (NAIL-100)')).toHaveLength(60);
    expect(pdf.runs.at(-1)!.join(' ')).toContain(`Total €${sale.total.toFixed(2)}`);
  });

  it('invoice numbers: one per sale, unique and in sequence per business under 10 concurrent first requests', async () => {
    const prisma = app.deps.db.prisma;
    const before = (await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).lastInvoiceNumber;
    // Ten requests at once for one sale: one number, the same in every PDF.
    const one = await sell(staff, [['BOOK-1', '1']]);
    const same = await Promise.all(Array.from({ length: 10 }, () => staff.request('GET', `/sales/${one}/invoice.pdf`)));
    expect(same.map((r) => r.status)).toEqual(Array(10).fill(200));
    const names = new Set(same.map((r) => r.headers.get('content-disposition')));
    expect([...names]).toEqual([`attachment; filename="invoice-${before + 1}.pdf"`]);
    // Ten sales, their first requests at once: ten numbers, no gap, no repeat.
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(await sell(staff, [['BOOK-1', '1']]));
    const results = await Promise.all(ids.map((id) => staff.request('GET', `/sales/${id}/invoice.pdf`)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const numbers = (await prisma.sale.findMany({ where: { id: { in: ids } }, select: { invoiceNumber: true } }))
      .map((s) => s.invoiceNumber!)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => before + 2 + i));
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).lastInvoiceNumber).toBe(before + 11);
    // Another business counts from 1.
    const theirUnit = await prisma.unit.create({ data: { tenantId: otherTenantId, code: 'pc', name: 'Piece' } });
    const theirs = await prisma.product.create({
      data: {
        tenantId: otherTenantId,
        sku: 'T-1',
        name: 'Theirs',
        searchText: 't-1 theirs',
        unitId: theirUnit.id,
        price: new Prisma.Decimal('1.00'),
        quantityOnHand: new Prisma.Decimal(5),
      },
    });
    await prisma.stockMovement.create({
      data: { tenantId: otherTenantId, productId: theirs.id, kind: 'receipt', quantity: new Prisma.Decimal(5) },
    });
    const theirSale = await sell(outsider, [['T-1', '1']]);
    expect((await outsider.request('GET', `/sales/${theirSale}/invoice.pdf`)).headers.get('content-disposition')).toBe(
      'attachment; filename="invoice-1.pdf"',
    );
  });

  it("another business's sale or product answers 404 to the receipt, the invoice and the labels, and numbers nothing", async () => {
    const id = await sell(staff, [['BOOK-1', '1']]);
    expect((await outsider.get(`/sales/${id}/receipt`)).status).toBe(404);
    expect((await outsider.get(`/sales/${id}/invoice.pdf`)).status).toBe(404);
    expect((await saleRow(id)).invoiceNumber).toBeNull();
    expect((await outsider.get(`/catalog/labels?product=${products['HAM-1']}`)).status).toBe(404);
    expect((await outsider.get(`/catalog/labels/sheet?items=${products['HAM-1']}:2`)).status).toBe(404);
    const posted = await outsider.post('/catalog/labels', { 'items[0][productId]': String(products['HAM-1']), 'items[0][count]': '2' });
    expect(posted.status).toBe(422);
    expect(text(posted.html)).toContain('A product in the list was not found.');
    for (const bad of ['0', 'abc', `${id}.0`]) expect((await staff.get(`/sales/${bad}/invoice.pdf`)).status).toBe(404);
  });

  it('labels: the quantity on hand is offered, and the sheet has one label per unit asked with its price and barcode', async () => {
    const form = await staff.get(`/catalog/labels?product=${products['TAPE-5']}&product=${products['ROPE-KG']}`);
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/name="items\[0\]\[count\]"[^>]*value="3"/); // 3 on hand
    expect(form.html).toMatch(/name="items\[1\]\[count\]"[^>]*value="3"/); // 2.5 on hand → 3 labels
    // From a stock receipt on the product's page: the number received.
    const productPage = await staff.get(`/catalog/products/${products['TAPE-5']}`);
    expect(productPage.html).toContain(`href="/catalog/labels?product=${products['TAPE-5']}&amp;count=3">labels for these</a>`);
    expect((await staff.get(`/catalog/labels?product=${products['TAPE-5']}&count=12`)).html).toMatch(
      /name="items\[0\]\[count\]"[^>]*value="12"/,
    );
    const posted = await staff.post('/catalog/labels', {
      'items[0][productId]': String(products['TAPE-5']),
      'items[0][count]': '3',
      'items[1][productId]': String(products['ROPE-KG']),
      'items[1][count]': '2',
    });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/catalog/labels/sheet?items=${products['TAPE-5']}:3,${products['ROPE-KG']}:2`);
    const sheet = await staff.get(posted.location!);
    expect(sheet.status).toBe(200);
    const labels = [...sheet.html.matchAll(/<article class="label"[\s\S]*?<\/article>/g)].map((m) => m[0]);
    expect(labels).toHaveLength(5);
    const codes = labels.map((l) => /<svg class="barcode"[^>]*data-code="([^"]+)" data-symbology="(\w+)"/.exec(l)?.slice(1));
    expect(codes).toEqual([...Array(3).fill(['4006381333931', 'ean13']), ...Array(2).fill(['ROPE-KG', 'code128'])]);
    expect(text(labels[0]!)).toBe('Tape measure 5 m €7.50 4006381333931');
    expect(text(labels[4]!)).toBe('Sisal rope €3.20 ROPE-KG');
  });

  it('labels: a search that matches more products than it adds says how many more', async () => {
    const prisma = app.deps.db.prisma;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'box', name: 'Box' } });
    await prisma.product.createMany({
      data: Array.from({ length: 53 }, (_, i) => ({
        tenantId,
        sku: `SCREW-${i}`,
        name: `Wood screw ${i}`,
        searchText: `screw-${i} wood screw ${i}`,
        unitId: unit.id,
        price: new Prisma.Decimal('1.10'),
      })),
    });
    const form = await staff.get('/catalog/labels?q=wood%20screw');
    expect([...form.html.matchAll(/class="num label-count"/g)]).toHaveLength(50);
    expect(text(form.html)).toContain('3 more products match the search than are shown here; make it narrower to see them.');
    const narrower = await staff.get('/catalog/labels?q=wood%20screw%205');
    expect(text(narrower.html)).not.toContain('more products match');
    await prisma.product.deleteMany({ where: { tenantId, sku: { startsWith: 'SCREW-' } } });
  });

  it('labels: bad numbers come back on their field with what was typed; nothing is made', async () => {
    const res = await staff.post('/catalog/labels', {
      'items[0][productId]': String(products['HAM-1']),
      'items[0][count]': '2.5',
      'items[1][productId]': String(products['NAIL-100']),
      'items[1][count]': '501',
    });
    expect(res.status).toBe(422);
    expect(res.html).toContain('<p class="field-error" id="items.0.count-error">Number of labels must be a whole number</p>');
    expect(res.html).toContain('<p class="field-error" id="items.1.count-error">Number of labels can be at most 500</p>');
    expect(res.html).toMatch(/name="items\[0\]\[count\]"[^>]*value="2.5"/);
    const none = await staff.post('/catalog/labels', { 'items[0][productId]': String(products['HAM-1']), 'items[0][count]': '0' });
    expect(none.status).toBe(422);
    expect(none.html).toContain('Choose at least one label');
    const tooMany = await staff.post('/catalog/labels', {
      'items[0][productId]': String(products['BOOK-1']),
      'items[0][count]': '500',
      'items[1][productId]': String(products['HAM-1']),
      'items[1][count]': '500',
      'items[2][productId]': String(products['NAIL-100']),
      'items[2][count]': '1',
    });
    expect(tooMany.status).toBe(422);
    expect(text(tooMany.html)).toContain('At most 1,000 labels at once');
  });

  it('business settings: the printing details are refused field by field with what was typed, and nothing is written', async () => {
    const before = await app.deps.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await owner.post('/settings/business', {
      ...settings,
      legalName: 'x'.repeat(201),
      address: 'a\nb\nc\nd\ne\nf\ng',
      taxId: 'T'.repeat(41),
      email: 'not-an-email',
      receiptFormat: '100mm',
    });
    expect(res.status).toBe(422);
    for (const [field, message] of [
      ['legalName', 'Legal name must be at most 200 characters'],
      ['address', 'Address can have at most 6 lines'],
      ['taxId', 'Tax id must be at most 40 characters'],
      ['email', 'Enter a valid email address'],
      ['receiptFormat', 'Choose a receipt format from the list'],
    ])
      expect(res.html).toContain(`<p class="field-error" id="${field}-error">${message}</p>`);
    expect(res.html).toContain('value="not-an-email"');
    expect(res.html).toContain('a\nb\nc\nd\ne\nf\ng</textarea>');
    expect(await app.deps.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toEqual(before);
    // Blank clears: the business name is printed instead.
    expect(
      (await owner.post('/settings/business', { ...settings, legalName: '', address: '', taxId: '', phone: '', email: '' })).status,
    ).toBe(303);
    const cleared = await app.deps.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect([cleared.legalName, cleared.address, cleared.taxId, cleared.phone, cleared.email]).toEqual([null, null, null, null, null]);
    const id = await sell(staff, [['BOOK-1', '1']]);
    const receipt = text((await staff.get(`/sales/${id}/receipt`)).html);
    expect(receipt).toContain('Ferretería Central Receipt');
    expect(receipt).not.toContain('Tax id');
    expect((await owner.post('/settings/business', settings)).status).toBe(303);
    // A client that sends only the older fields changes none of the printing details.
    const { name, currency, timeZone, defaultTaxRate } = settings;
    expect((await owner.post('/settings/business', { name, currency, timeZone, defaultTaxRate })).status).toBe(303);
    const kept = await app.deps.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect([kept.legalName, kept.address, kept.taxId, kept.receiptFormat]).toEqual([
      settings.legalName,
      settings.address,
      settings.taxId,
      '80mm',
    ]);
  });
});
