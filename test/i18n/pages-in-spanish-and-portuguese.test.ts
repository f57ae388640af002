import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { readPdf } from '../helpers/pdf.ts';

// Every main page, signed in as the owner of a business whose language is Spanish (then
// Portuguese), must not show any of the app's English labels; the sign-in page follows the
// switch's cookie. A word that reads the same in the language (Total, Stock, SKU) is not listed.

const englishLabels = [
  'Dashboard',
  'Products',
  'Sales',
  'Payments',
  'Till',
  'Customers',
  'Categories',
  'Units',
  'Business',
  'Users',
  'Audit log',
  'Sign out',
  'Sign in',
  'Save',
  'Cancel',
  'Search',
  'Filter',
  'Edit',
  'Delete',
  'Print',
  'Name',
  'Price',
  'Quantity',
  'Amount',
  'Customer',
  'Status',
  'Date',
  'Method',
  'Reference',
  'Category',
  'Unit',
  'New sale',
  'New product',
  'Password',
  'Language',
  'Change',
  'Import',
  'Export',
  'Previous',
  'Next',
  'Cash',
  'Card',
  'Transfer',
  'walk-in',
  'confirmed',
  'owner',
  'Skip to content',
  'optional',
  'Barcodes',
  'Reorder level',
  'Opening stock',
  'Your account',
  'Low stock',
  'Last sales',
  'Receipt',
  'Invoice',
  'Purchasing',
  'Suppliers',
  'Supplier',
  'Purchase orders',
  'Owed',
  'Receive',
  'To reorder',
  'Unit cost',
  'Draft',
  'Received',
  'Outstanding',
  'Email',
  'Send me a link',
  'Back to sign in',
  'Repeat the password',
  'E-mail alerts',
  'Profit',
  'on hand',
];

// Words of the messages made with values (a field's number, a CSV line, a sale's stock): none
// may show in a Spanish or Portuguese page.
const englishMessageWords = [
  'must be',
  'could be',
  'write',
  'without the',
  'decimals',
  'is required',
  'Unknown',
  'create it first',
  'Only',
  'in stock',
  'Not enough',
  'Nothing was recorded',
  'wanted',
  'available',
  'is also on line',
];

/** The page's visible text: no tags, scripts, styles or attribute values. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ');
}

/** The English labels (or other `words`) found in a page, with a little context. */
function englishIn(html: string, ignore: string[], words: string[] = englishLabels): string[] {
  let text = visibleText(html);
  for (const own of ignore) text = text.split(own).join(' ');
  return words.flatMap((label) => {
    const m = new RegExp(`(?<![\\p{L}\\d_-])${label}(?![\\p{L}\\d_-])`, 'u').exec(text);
    return m ? [`${label} in “…${text.slice(Math.max(0, m.index - 30), m.index + label.length + 30).replace(/\s+/g, ' ')}…”`] : [];
  });
}

// One app for both languages (each has its own business): starting one is the slow part.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ driver: 'pglite', redis: false });
}, 300_000);
afterAll(async () => {
  await app?.close();
});

describe.each([
  ['es', 'Productos'],
  ['pt-BR', 'Produtos'],
] as const)('every main page in %s', (lng, productsWord) => {
  let owner: TestClient;
  let ownerEmail: string;
  let saleUrl: string;
  let orderId: number;
  const pages: string[] = [];

  beforeAll(async () => {
    const tenant = await app.createTenantWithOwner(`Tienda Lola ${lng}`);
    const tenantId = tenant.tenantId;
    ownerEmail = tenant.owner.email;
    const prisma = app.deps.db.prisma;
    await prisma.tenant.update({
      where: { id: tenantId },
      data: { language: lng, locale: lng === 'es' ? 'es-ES' : 'pt-BR', currency: 'EUR' },
    });
    const unit = await prisma.unit.create({ data: { tenantId, code: 'ud', name: 'Unidad' } });
    const category = await prisma.category.create({ data: { tenantId, name: 'Bebidas' } });
    const product = await prisma.product.create({
      data: {
        tenantId,
        sku: 'AGUA-1',
        name: 'Agua mineral',
        searchText: 'agua-1 agua mineral',
        unitId: unit.id,
        categoryId: category.id,
        price: new Prisma.Decimal('1.20'),
        quantityOnHand: new Prisma.Decimal(2),
        reorderLevel: new Prisma.Decimal(5),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: product.id, kind: 'receipt', quantity: new Prisma.Decimal(2) } });
    const customer = await prisma.customer.create({ data: { tenantId, name: 'Rosa Pérez' } });
    owner = await app.signIn(tenant.owner.email, tenant.owner.password);
    const form = await owner.get('/sales/new');
    const token = /name="token" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
    const sale = await owner.post('/sales', {
      token,
      customerId: String(customer.id),
      'lines[0][product]': 'AGUA-1',
      'lines[0][quantity]': '1',
    });
    expect(sale.status).toBe(303);
    saleUrl = sale.location!;
    // Buying: a supplier, a draft, an order received in part and paid in part, a product to reorder.
    const scope = { tenantId, userId: tenant.owner.id, role: 'owner' as const, db: app.deps.tenantDb(tenantId) };
    const buy = app.deps.purchasing;
    const supplierId = (await buy.suppliers.create(scope, { token: randomUUID(), name: 'Distribuciones Sur', paymentTermsDays: '30' })).id;
    const bread = await prisma.product.create({
      data: {
        tenantId,
        sku: 'PAN-1',
        name: 'Pan',
        searchText: 'pan-1 pan',
        unitId: unit.id,
        price: new Prisma.Decimal('0.90'),
        reorderLevel: new Prisma.Decimal(3),
      },
    });
    for (const id of [product.id, bread.id])
      await buy.productBuying.set(scope, id, { preferredSupplierId: String(supplierId), lastCost: '0.50' });
    const lines = [{ productId: product.id, quantity: '10', unitCost: '0.50' }];
    const draftId = (await buy.orders.create(scope, { token: randomUUID(), supplierId, lines })).id;
    orderId = (await buy.orders.create(scope, { token: randomUUID(), supplierId, lines })).id;
    await buy.orders.order(scope, orderId);
    const receiptId = (await buy.receiving.receive(scope, orderId, { token: randomUUID(), lines: { 1: { quantity: '4' } } })).id;
    const paymentId = (await buy.payments.register(scope, { token: randomUUID(), supplierId, amount: '1.00', method: 'transfer' })).id;
    // The business's own payment methods: one offered, one deactivated (the page shows both states).
    const settings = app.deps.settings.paymentMethods;
    await settings.create(scope, { name: 'Bizum' });
    await settings.setActive(scope, (await settings.create(scope, { name: 'Pix' })).id, false);
    pages.push(
      '/purchasing/orders',
      '/purchasing/orders/new',
      `/purchasing/orders/${orderId}`,
      `/purchasing/orders/${draftId}/edit`,
      `/purchasing/orders/${orderId}/cancel`,
      `/purchasing/orders/${orderId}/print`,
      `/purchasing/orders/${orderId}/receive`,
      `/purchasing/receipts/${receiptId}`,
      '/purchasing/suppliers',
      '/purchasing/suppliers/new',
      `/purchasing/suppliers/${supplierId}`,
      `/purchasing/suppliers/${supplierId}/edit`,
      `/purchasing/suppliers/${supplierId}/statement`,
      '/purchasing/suppliers/import',
      '/purchasing/payments',
      `/purchasing/payments/new?supplier=${supplierId}`,
      `/purchasing/payments/${paymentId}`,
      '/purchasing/reorder',
      `/purchasing/products/${product.id}/buying`,
    );
    pages.push(
      '/',
      '/catalog/products',
      '/catalog/products/new',
      `/catalog/products/${product.id}`,
      `/catalog/products/${product.id}/edit`,
      '/catalog/products/import',
      `/catalog/labels?product=${product.id}`,
      '/sales',
      '/sales/new',
      saleUrl,
      `${saleUrl}/receipt`,
      '/payments',
      '/payments/new',
      '/till',
      '/till/closes',
      '/customers',
      '/customers/new',
      `/customers/${customer.id}`,
      '/balance',
      '/settings/categories',
      '/settings/uoms',
      '/settings/business',
      '/settings/payment-methods',
      '/settings/users',
      '/settings/audit',
      '/account/password',
      '/account/2fa',
      '/account/language',
      '/account/alerts',
      '/profit',
      '/admin/cache',
      '/admin/cache/clear?module=products',
      '/this-page-does-not-exist',
    );
  }, 180_000); // a business with data and a sale: slow on a busy machine

  it('shows no English label on any main page, with the right <html lang>', async () => {
    const found: Record<string, string[]> = {};
    for (const path of pages) {
      const page = await owner.get(path);
      expect(page.status, path).toBe(path === '/this-page-does-not-exist' ? 404 : 200);
      expect(page.html, path).toContain(`<html lang="${lng}">`);
      // The switch names each language in itself; the user's own e-mail is theirs.
      const english = englishIn(page.html, ['English', ownerEmail]);
      if (english.length) found[path] = english;
    }
    expect(found).toEqual({});
    expect(pages.length).toBeGreaterThanOrEqual(28);
  }, 120_000);

  it('writes the messages with values in the language, numbers in the business’s locale', async () => {
    const said = (es: string, pt: string) => (lng === 'es' ? es : pt);
    const prisma = app.deps.db.prisma;
    const tenantId = (await prisma.user.findFirstOrThrow({ where: { email: ownerEmail } })).tenantId;
    const unit = await prisma.unit.findFirstOrThrow({ where: { tenantId, code: 'ud' } });
    const found: Record<string, string[]> = {};
    // What the owner typed is theirs (the CSV's unit below is named with an English word on purpose).
    const typed = [ownerEmail, '$t(Sales) {{n}}'];
    const check = (what: string, html: string) => {
      const english = [...englishIn(html, ['English', ...typed]), ...englishIn(html, typed, englishMessageWords)];
      if (english.length) found[what] = english;
    };
    const product = (price: string) => ({
      sku: `MSG-${lng}`,
      name: 'Aceite',
      barcodes: '',
      categoryId: '',
      unitId: String(unit.id),
      price,
      cost: '',
      taxRate: '',
      reorderLevel: '',
      openingStock: '',
    });

    // A price that is no number, one with the other convention's mark, one that could be either.
    const bad = await owner.post('/catalog/products', product('12,5x'));
    expect(bad.status).toBe(422);
    expect(visibleText(bad.html)).toContain(said('Precio: debe ser un número', 'Preço: deve ser um número'));
    check('price 12,5x', bad.html);
    const dotted = await owner.post('/catalog/products', product('12.50'));
    expect(visibleText(dotted.html)).toContain(
      said('Precio: debe ser un número (decimales tras la «,»)', 'Preço: deve ser um número (decimais depois da “,”)'),
    );
    check('price 12.50', dotted.html);
    const ambiguous = await owner.post('/catalog/products', product('1.234'));
    expect(ambiguous.status).toBe(422);
    expect(visibleText(ambiguous.html)).toContain(
      said(
        'Precio: «1.234» podría ser 1234 o 1,234: escribe 1234 sin el «.», o usa «,» para los decimales',
        'Preço: “1.234” pode ser 1234 ou 1,234: escreva 1234 sem o “.”, ou use “,” para os decimais',
      ),
    );
    check('price 1.234', ambiguous.html);
    expect(await prisma.product.count({ where: { tenantId, sku: `MSG-${lng}` } })).toBe(0);

    // A CSV whose lines name an unknown unit, a price that is no number and a repeated SKU.
    // A value that looks like i18next's own syntax is shown as typed, not translated again where it is shown.
    const csv = 'sku;name;unit;price\nCSV-1;Sal;caja;1,00\nCSV-2;Azúcar;ud;dos\nCSV-2;Azúcar;ud;2,00\nCSV-4;Té;$t(Sales) {{n}};1,00\n';
    const preview = await owner.post('/catalog/products/import', { csv, action: 'preview' });
    const previewText = visibleText(preview.html);
    expect(previewText).toContain(said('Unidad desconocida «caja»: créala antes', 'Unidade desconhecida “caja”: crie-a antes'));
    expect(previewText).toContain(said('Precio: debe ser un número', 'Preço: deve ser um número'));
    expect(previewText).toContain(said('El SKU «CSV-2» también está en la línea 3', 'O SKU “CSV-2” também está na linha 3'));
    expect(previewText).toContain(said('Unidad desconocida «$t(Sales) {{n}}»', 'Unidade desconhecida “$t(Sales) {{n}}”'));
    check('CSV preview', preview.html);

    // A sale asking for more than is on hand: 1.5 is written "1,5".
    await prisma.product.create({
      data: {
        tenantId,
        sku: `OIL-${lng}`,
        name: 'Aceite de oliva',
        searchText: `oil-${lng} aceite de oliva`,
        unitId: unit.id,
        price: new Prisma.Decimal('6.00'),
        quantityOnHand: new Prisma.Decimal('1.5'),
      },
    });
    const form = await owner.get('/sales/new');
    const token = /name="token" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
    const short = await owner.post('/sales', { token, 'lines[0][product]': `OIL-${lng}`, 'lines[0][quantity]': '3' });
    expect(short.status).toBe(409);
    const shortText = visibleText(short.html);
    expect(shortText).toContain(said('Solo hay 1,5 ud de «Aceite de oliva» en stock', 'Só há 1,5 ud de “Aceite de oliva” em estoque'));
    expect(shortText).toContain(said('No hay stock suficiente para la línea 1', 'Não há estoque suficiente para a linha 1'));
    check('short sale', short.html);
    expect(found).toEqual({});
  });

  it('prints the invoice PDF in the language', async () => {
    const res = await owner.request('GET', `${saleUrl}/invoice.pdf`);
    expect(res.status).toBe(200);
    const pdf = await readPdf(new Uint8Array(await res.arrayBuffer()));
    expect(pdf.text).toContain(lng === 'es' ? 'FACTURA' : 'NOTA FISCAL');
    for (const english of ['INVOICE', 'Bill to', 'Description', 'Unit price', 'Amount due', 'Walk-in'])
      expect(pdf.text).not.toContain(english);
  });

  it('prints the purchase order PDF in the language', async () => {
    const res = await owner.request('GET', `/purchasing/orders/${orderId}/order.pdf`);
    expect(res.status).toBe(200);
    const pdf = await readPdf(new Uint8Array(await res.arrayBuffer()));
    expect(pdf.text).toContain('PEDIDO DE COMPRA');
    for (const english of ['PURCHASE ORDER', 'Supplier', 'Unit cost', 'Your code', 'Order no.', 'Amounts in'])
      expect(pdf.text).not.toContain(english);
  });

  it('the sign-in page follows the switch before anyone signs in', async () => {
    const stranger = app.client();
    const english = await stranger.get('/login');
    expect(english.html).toContain('<html lang="en">');
    const switched = await stranger.get(`/language?lang=${lng}&back=/login`);
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/login');
    const page = await stranger.get('/login');
    expect(page.html).toContain(`<html lang="${lng}">`);
    expect(englishIn(page.html, ['English'])).toEqual([]);
  });

  it('the signed-out password pages speak the language: forgot password, and a link that no longer works', async () => {
    const stranger = app.client({ 'accept-language': lng === 'es' ? 'es-ES,es;q=0.9' : 'pt-BR,pt;q=0.9' });
    for (const [path, status] of [
      ['/password/forgot', 200],
      [`/password/reset/${'x'.repeat(43)}`, 410],
      [`/invitation/${'x'.repeat(43)}`, 410],
    ] as const) {
      const page = await stranger.get(path);
      expect(page.status, path).toBe(status);
      expect(page.html, path).toContain(`<html lang="${lng}">`);
      expect(englishIn(page.html, ['English']), path).toEqual([]);
    }
    // This app sends no e-mail, and the page says so in the language.
    expect(visibleText((await stranger.get('/password/forgot')).html)).not.toContain('E-mail is not set up');
  });

  it('a browser asking for the language gets it without a cookie', async () => {
    const page = await app.client({ 'accept-language': lng === 'es' ? 'es-ES,es;q=0.9' : 'pt-PT,pt;q=0.9' }).get('/login');
    expect(page.html).toContain(`<html lang="${lng}">`);
  });

  it('the owner’s own choice wins over the business’s', async () => {
    await owner.get('/account/language');
    const saved = await owner.post('/account/language', { lang: 'en', back: '/catalog/products' });
    expect(saved.status).toBe(303);
    const page = await owner.get('/catalog/products');
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('Products');
    await owner.post('/account/language', { lang: '', back: '/catalog/products' });
    expect((await owner.get('/catalog/products')).html).toContain(productsWord);
  });
});
