import { randomBytes } from 'node:crypto';
import { verifyPassword } from '../../src/auth/password.ts';
import { issueLink, type LinkPurpose } from '../../src/auth/one-time-links.ts';
import { localDay } from '../../src/time.ts';
import { TEST_PASSWORD, type TestUser } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { formToken, idIn, type Fixtures, type Table } from './hostile-input.fixtures.ts';

// Every form of the app (every POST route of src/**/*.router.ts), for the hostile-input
// table: a valid base body, the fields to attack and, per field, which classes of hostile
// value the app must ACCEPT (store exactly, show escaped). Every other class must be
// refused: a 4xx with a message, nothing written anywhere. Routes with an id also get
// hostile ids in the URL (404), and every form gets a missing and a wrong CSRF token (403).

export type ValueClass =
  'empty' | 'huge' | 'hugeNumber' | 'negative' | 'zero' | 'unicode' | 'nul' | 'html' | 'sql' | 'array' | 'object' | 'otherTenant';
export type Body = Record<string, unknown>;
/** What a submission sent and where it was redirected. */
export interface Sent {
  body: Body;
  location: string;
}

export interface Field {
  name: string;
  /** Classes that are valid input for this field (default: none). */
  accepts?: ValueClass[];
  /** Classes read as another valid choice: 2xx/3xx and nothing written (e.g. unknown action → preview). */
  ignores?: ValueClass[];
  /** The stored text expected for an accepted value (default: the value, trimmed). */
  stored?: (sent: unknown) => string;
  /** Key of the field in `read()`'s result (default: the field name). */
  column?: string;
  /** Another business's id (or name) of this kind: adds the `otherTenant` class. */
  foreign?: (fx: Fixtures) => string | number;
  /** Classes that cannot be expressed for this field. */
  skip?: ValueClass[];
  /** Fields that take the same value (a password and its confirmation). */
  linked?: string[];
  /** Where a refusal may be shown, when the form marks fields (default: the field's own message). */
  errorIds?: string[];
}

export interface Form {
  name: string;
  path(fx: Fixtures): string;
  body(fx: Fixtures, n: number): Body;
  fields: Field[];
  /** Tables an accepted submission may change; every other table must stay as it was. */
  writes: Table[];
  /** The client that submits (default: A's owner). Called per case. */
  client?(fx: Fixtures): Promise<TestClient>;
  /** Turns the body into what is posted (the CSV import builds its text from cells). */
  encode?(body: Body): Body;
  /** The written row(s) after an accepted submission, by field column. */
  read?(fx: Fixtures, sent: Sent): Promise<Record<string, unknown>>;
  /** The page that shows what was stored. */
  shownAt?(fx: Fixtures, sent: Sent): string;
  /** Undo what an accepted submission wrote that would collide with later cases (unique names, form tokens). */
  cleanup?(fx: Fixtures, sent: Sent): Promise<void>;
  /** The route takes an id: hostile ids in the URL must answer 404. */
  ids?: { path(id: string): string; valid(fx: Fixtures): number; foreign(fx: Fixtures): number };
  /** Rows each case needs, written before the case's snapshot (a fresh one-time link). */
  prepare?(fx: Fixtures): Promise<void>;
  /** Where an accepted submission leads (default: anywhere but the sign-in page, which would mean the session was lost). */
  redirectsTo?: RegExp;
  /** The route takes a one-time link's token: tokens that open nothing must answer 410 "gone". */
  tokens?: { path(token: string): string; purpose: LinkPurpose; user(fx: Fixtures): TestUser };
}

/** Free text: anything printable is a valid name or note. */
const TEXT: ValueClass[] = ['hugeNumber', 'negative', 'zero', 'unicode', 'html', 'sql'];
const OPTIONAL_TEXT: ValueClass[] = ['empty', ...TEXT];
const blankAs = (fallback: string) => (v: unknown) => (String(v).trim() === '' ? fallback : String(v).trim());
const UNCHECKED = () => 'false';

const s = (v: unknown) => String(v);

async function dropProduct(fx: Fixtures, id: number): Promise<void> {
  await fx.prisma.stockMovement.deleteMany({ where: { productId: id } });
  await fx.prisma.product.delete({ where: { id } });
}
const dropFormToken = (fx: Fixtures, location: string) =>
  fx.prisma.formSubmission.deleteMany({ where: { tenantId: fx.a.tenantId, resultUrl: location } }).then(() => undefined);
const tokenOf = async (fx: Fixtures, location: string) =>
  (await fx.prisma.formSubmission.findFirst({ where: { tenantId: fx.a.tenantId, resultUrl: location } }))?.token;

const productFields = (): Field[] => [
  { name: 'sku', accepts: ['hugeNumber', 'zero'] },
  { name: 'name', accepts: TEXT },
  // One code per line; codes are kept upper-cased.
  { name: 'barcodes', accepts: ['empty', 'hugeNumber', 'negative', 'zero'], stored: barcodesAsStored },
  { name: 'categoryId', accepts: ['empty'], foreign: (fx) => fx.b.categoryId },
  { name: 'unitId', foreign: (fx) => fx.b.unitId },
  { name: 'price', accepts: ['zero'] },
  { name: 'cost', accepts: ['empty', 'zero'], stored: blankAs('0') },
  { name: 'taxRate', accepts: ['empty', 'zero'] },
  { name: 'reorderLevel', accepts: ['empty', 'zero'], stored: blankAs('0') },
];
const productBody = (fx: Fixtures, sku: string, name: string, price: string) => ({
  sku,
  name,
  barcodes: '',
  categoryId: s(fx.a.categoryId),
  unitId: s(fx.a.unitId),
  price,
  cost: '',
  taxRate: '',
  reorderLevel: '',
});
const barcodesAsStored = (v: unknown) => String(v).trim().toUpperCase();
const readProduct = async (fx: Fixtures, id: number) => {
  const p = await fx.prisma.product.findUniqueOrThrow({ where: { id }, include: { barcodes: { orderBy: { id: 'asc' } } } });
  return { ...p, barcodes: p.barcodes.map((b) => b.code).join('|') };
};

const CSV_CELLS = ['sku', 'name', 'unit', 'price', 'category', 'quantity_on_hand', 'barcodes'] as const;
const csvCell = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;

const catalog: Form[] = [
  {
    name: 'new product',
    path: () => '/catalog/products',
    body: (fx, n) => ({ ...productBody(fx, `HX-${n}`, 'Hostile widget', '1.00'), openingStock: '' }),
    fields: [...productFields(), { name: 'openingStock', accepts: ['empty', 'zero'], stored: blankAs('0'), column: 'quantityOnHand' }],
    writes: ['products', 'product_barcodes', 'stock_movements'],
    read: (fx, { location }) => readProduct(fx, idIn(location)),
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropProduct(fx, idIn(location)),
  },
  {
    name: 'edit product',
    path: (fx) => `/catalog/products/${fx.a.editProductId}`,
    body: (fx) => ({ ...productBody(fx, 'EDIT-1', 'Edit target', '5.00'), active: 'on' }),
    // A checkbox: any value but "on" (or none) means unchecked, so every class is a valid "off".
    fields: [
      ...productFields(),
      {
        name: 'active',
        accepts: ['empty', 'huge', 'hugeNumber', 'negative', 'zero', 'unicode', 'nul', 'html', 'sql', 'array', 'object'],
        stored: UNCHECKED,
      },
    ],
    writes: ['products', 'product_barcodes', 'audit_entries'],
    read: (fx) => readProduct(fx, fx.a.editProductId),
    shownAt: (fx) => `/catalog/products/${fx.a.editProductId}`,
    ids: { path: (id) => `/catalog/products/${id}`, valid: (fx) => fx.a.editProductId, foreign: (fx) => fx.b.productId },
  },
  {
    name: 'delete product',
    path: (fx) => `/catalog/products/${fx.a.editProductId}/delete`,
    body: () => ({}),
    fields: [],
    writes: ['products', 'audit_entries'],
    ids: { path: (id) => `/catalog/products/${id}/delete`, valid: (fx) => fx.a.editProductId, foreign: (fx) => fx.b.productId },
  },
  {
    name: 'stock receipt',
    path: (fx) => `/catalog/products/${fx.a.stockProductId}/stock`,
    body: () => ({ kind: 'receipt', quantity: '1', reason: '' }),
    fields: [{ name: 'kind' }, { name: 'quantity' }, { name: 'reason', accepts: OPTIONAL_TEXT }],
    writes: ['products', 'stock_movements'],
    read: (fx) => fx.prisma.stockMovement.findFirstOrThrow({ where: { productId: fx.a.stockProductId }, orderBy: { id: 'desc' } }),
    shownAt: (fx) => `/catalog/products/${fx.a.stockProductId}`,
    ids: { path: (id) => `/catalog/products/${id}/stock`, valid: (fx) => fx.a.stockProductId, foreign: (fx) => fx.b.productId },
  },
  {
    name: 'stock correction',
    path: (fx) => `/catalog/products/${fx.a.stockProductId}/stock`,
    body: () => ({ kind: 'adjustment', quantity: '1', reason: 'Recount' }),
    // A correction may take stock down (there are 100 on hand), never by zero.
    fields: [
      { name: 'quantity', accepts: ['negative'] },
      { name: 'reason', accepts: TEXT },
    ],
    writes: ['products', 'stock_movements', 'audit_entries'],
    read: (fx) => fx.prisma.stockMovement.findFirstOrThrow({ where: { productId: fx.a.stockProductId }, orderBy: { id: 'desc' } }),
    shownAt: (fx) => `/catalog/products/${fx.a.stockProductId}`,
  },
  {
    name: 'label sheet',
    path: () => '/catalog/labels',
    body: (fx) => ({ 'items[0][productId]': s(fx.a.stockProductId), 'items[0][count]': '2' }),
    // Writes nothing: a valid request is redirected to the sheet; every hostile value is refused.
    fields: [
      // An id that is not this business's product leaves no row to mark: the message is on top.
      { name: 'items[0][productId]', foreign: (fx) => fx.b.productId, errorIds: ['items.0.productId', 'items.0.count'] },
      { name: 'items[0][count]' },
    ],
    writes: [],
  },
  {
    name: 'CSV import',
    path: () => '/catalog/products/import',
    body: (_fx, n) => ({
      action: 'import',
      'cell:sku': `IMP-${n}`,
      'cell:name': 'Imported',
      'cell:unit': 'unit',
      'cell:price': '2.50',
      'cell:category': 'Tools',
      'cell:quantity_on_hand': '',
      'cell:barcodes': '',
    }),
    encode: (body) => {
      const { action, csv, ...cells } = body;
      const text = 'csv' in body ? csv : `${CSV_CELLS.join(',')}\n${CSV_CELLS.map((c) => csvCell(cells[`cell:${c}`])).join(',')}\n`;
      return { action, csv: text };
    },
    fields: [
      // The import reads form posts only (its body is read after the permission check, by its
      // own parser): a JSON body is not read, so the file is empty and refused as such.
      { name: 'action', ignores: ['empty', 'huge', 'hugeNumber', 'negative', 'zero', 'unicode', 'nul', 'html', 'sql', 'array'] },
      { name: 'csv' },
      ...(
        [
          { name: 'cell:sku', accepts: ['hugeNumber', 'zero'] },
          { name: 'cell:name', accepts: TEXT },
          { name: 'cell:unit', foreign: (fx) => fx.b.unitCode },
          { name: 'cell:price', accepts: ['zero'] },
          { name: 'cell:category', accepts: ['empty'], foreign: (fx) => fx.b.categoryName },
          { name: 'cell:quantity_on_hand', accepts: ['empty', 'zero'], stored: blankAs('0') },
          { name: 'cell:barcodes', accepts: ['empty', 'hugeNumber', 'negative', 'zero'], stored: barcodesAsStored },
        ] satisfies Field[]
      ).map((f): Field => ({ ...f, skip: ['array', 'object'] })),
    ],
    writes: ['products', 'product_barcodes', 'stock_movements', 'audit_entries'],
    read: async (fx, { body }) => {
      const p = await fx.prisma.product.findFirstOrThrow({
        where: { tenantId: fx.a.tenantId, sku: String(body['cell:sku']).trim() },
        include: { unit: true, category: true, barcodes: { orderBy: { id: 'asc' } } },
      });
      return {
        'cell:sku': p.sku,
        'cell:name': p.name,
        'cell:unit': p.unit.code,
        'cell:price': p.price,
        'cell:category': p.category?.name,
        'cell:quantity_on_hand': p.quantityOnHand,
        'cell:barcodes': p.barcodes.map((b) => b.code).join('|'),
      };
    },
    shownAt: () => '/catalog/products?sort=-updated',
    cleanup: async (fx, { body }) => {
      const p = await fx.prisma.product.findFirstOrThrow({ where: { tenantId: fx.a.tenantId, sku: String(body['cell:sku']).trim() } });
      await dropProduct(fx, p.id);
    },
  },
];

const newestOf = (fx: Fixtures, table: 'category' | 'unit') =>
  table === 'category'
    ? fx.prisma.category.findFirstOrThrow({ where: { tenantId: fx.a.tenantId }, orderBy: { id: 'desc' } })
    : fx.prisma.unit.findFirstOrThrow({ where: { tenantId: fx.a.tenantId }, orderBy: { id: 'desc' } });

const settings: Form[] = [
  {
    name: 'new category',
    path: () => '/settings/categories',
    body: (_fx, n) => ({ name: `Category ${n}`, parentId: '' }),
    fields: [
      { name: 'name', accepts: TEXT },
      { name: 'parentId', accepts: ['empty'], foreign: (fx) => fx.b.categoryId },
    ],
    writes: ['categories'],
    read: (fx) => newestOf(fx, 'category'),
    shownAt: () => '/settings/categories',
    cleanup: async (fx) => {
      await fx.prisma.category.delete({ where: { id: (await newestOf(fx, 'category')).id } });
    },
  },
  {
    name: 'edit category',
    path: (fx) => `/settings/categories/${fx.a.editCategoryId}`,
    body: () => ({ name: 'Edit category', parentId: '' }),
    fields: [
      { name: 'name', accepts: TEXT },
      { name: 'parentId', accepts: ['empty'], foreign: (fx) => fx.b.categoryId },
    ],
    writes: ['categories'],
    read: (fx) => fx.prisma.category.findUniqueOrThrow({ where: { id: fx.a.editCategoryId } }),
    shownAt: () => '/settings/categories',
    ids: { path: (id) => `/settings/categories/${id}`, valid: (fx) => fx.a.editCategoryId, foreign: (fx) => fx.b.categoryId },
  },
  {
    name: 'delete category',
    path: (fx) => `/settings/categories/${fx.a.editCategoryId}/delete`,
    body: () => ({}),
    fields: [],
    writes: ['categories'],
    ids: { path: (id) => `/settings/categories/${id}/delete`, valid: (fx) => fx.a.editCategoryId, foreign: (fx) => fx.b.categoryId },
  },
  {
    name: 'new unit',
    path: () => '/settings/uoms',
    body: (_fx, n) => ({ code: `u${n}`, name: `Unit ${n}` }),
    // A code is one word of letters and digits, at most 16 characters.
    fields: [
      { name: 'code', accepts: ['zero'] },
      { name: 'name', accepts: TEXT },
    ],
    writes: ['units'],
    read: (fx) => newestOf(fx, 'unit'),
    shownAt: () => '/settings/uoms',
    cleanup: async (fx) => {
      await fx.prisma.unit.delete({ where: { id: (await newestOf(fx, 'unit')).id } });
    },
  },
  {
    name: 'edit unit',
    path: (fx) => `/settings/uoms/${fx.a.editUnitId}`,
    body: () => ({ code: 'box', name: 'Box' }),
    fields: [
      { name: 'code', accepts: ['zero'] },
      { name: 'name', accepts: TEXT },
    ],
    writes: ['units'],
    read: (fx) => fx.prisma.unit.findUniqueOrThrow({ where: { id: fx.a.editUnitId } }),
    shownAt: () => '/settings/uoms',
    ids: { path: (id) => `/settings/uoms/${id}`, valid: (fx) => fx.a.editUnitId, foreign: (fx) => fx.b.unitId },
  },
  {
    name: 'delete unit',
    path: (fx) => `/settings/uoms/${fx.a.editUnitId}/delete`,
    body: () => ({}),
    fields: [],
    writes: ['units'],
    ids: { path: (id) => `/settings/uoms/${id}/delete`, valid: (fx) => fx.a.editUnitId, foreign: (fx) => fx.b.unitId },
  },
  {
    name: 'business settings',
    path: () => '/settings/business',
    body: () => ({
      name: 'Hostile Hardware',
      currency: 'USD',
      timeZone: 'UTC',
      defaultTaxRate: '0',
      staffMaxDiscountPct: '5',
      staffMayOverridePrice: 'on',
      legalName: '',
      address: '',
      taxId: '',
      phone: '',
      email: '',
      receiptFormat: '80mm',
    }),
    fields: [
      { name: 'name', accepts: TEXT },
      { name: 'currency' },
      { name: 'timeZone' },
      { name: 'defaultTaxRate', accepts: ['zero'] },
      { name: 'staffMaxDiscountPct', accepts: ['empty', 'zero'], stored: (v) => (String(v).trim() === '' ? '0' : String(v).trim()) },
      {
        name: 'staffMayOverridePrice',
        accepts: ['empty', 'huge', 'hugeNumber', 'negative', 'zero', 'unicode', 'nul', 'html', 'sql', 'array', 'object'],
        stored: UNCHECKED,
      },
      // What receipts and invoices print about the seller.
      { name: 'legalName', accepts: OPTIONAL_TEXT },
      { name: 'address', accepts: OPTIONAL_TEXT },
      { name: 'taxId', accepts: OPTIONAL_TEXT },
      { name: 'phone', accepts: OPTIONAL_TEXT },
      { name: 'email', accepts: ['empty'] },
      { name: 'receiptFormat' },
    ],
    writes: ['tenants', 'audit_entries'],
    read: (fx) => fx.prisma.tenant.findUniqueOrThrow({ where: { id: fx.a.tenantId } }),
    shownAt: () => '/settings/business',
  },
];

const customerFields = (): Field[] => [
  { name: 'name', accepts: TEXT },
  { name: 'email', accepts: ['empty'] },
  { name: 'phone', accepts: OPTIONAL_TEXT },
  { name: 'address', accepts: OPTIONAL_TEXT },
  { name: 'taxId', accepts: OPTIONAL_TEXT },
  { name: 'creditLimit', accepts: ['empty', 'zero'] },
  { name: 'notes', accepts: OPTIONAL_TEXT },
];
const customerBody = (name: string) => ({ name, email: '', phone: '', address: '', taxId: '', creditLimit: '', notes: '' });
/** A form token is any 16–64 letters, digits, - or _: ten to the 30th is one. */
const tokenField: Field = { name: 'token', accepts: ['hugeNumber'] };

const line = (f: string) => `lines[0][${f}]`;
/** The return form's quantity of sale line 1. */
const line1 = 'lines[1][quantity]';

// POST /sales/preview writes nothing and answers JSON, not a form page: its hostile values
// are posted by test/sales/preview.test.ts.
const sales: Form[] = [
  {
    name: 'new customer',
    path: () => '/customers',
    body: (_fx, n) => ({ token: formToken(), ...customerBody(`Customer ${n}`) }),
    fields: [tokenField, ...customerFields()],
    writes: ['customers', 'form_submissions'],
    read: async (fx, { location }) => ({
      ...(await fx.prisma.customer.findUniqueOrThrow({ where: { id: idIn(location) } })),
      token: await tokenOf(fx, location),
    }),
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  {
    name: 'edit customer',
    path: (fx) => `/customers/${fx.a.editCustomerId}`,
    body: () => customerBody('Edit customer'),
    fields: customerFields(),
    writes: ['customers'],
    read: (fx) => fx.prisma.customer.findUniqueOrThrow({ where: { id: fx.a.editCustomerId } }),
    shownAt: (fx) => `/customers/${fx.a.editCustomerId}/edit`,
    ids: { path: (id) => `/customers/${id}`, valid: (fx) => fx.a.editCustomerId, foreign: (fx) => fx.b.customerId },
  },
  {
    name: 'new sale',
    path: () => '/sales',
    body: () => ({
      token: formToken(),
      customerId: '',
      note: '',
      payNow: '',
      tendered: '',
      [line('product')]: 'SALE-1',
      [line('productId')]: '',
      [line('quantity')]: '1',
      [line('unitPrice')]: '',
      [line('discountPct')]: '',
      [line('taxRate')]: '',
    }),
    fields: [
      tokenField,
      { name: 'customerId', accepts: ['empty'], foreign: (fx) => fx.b.customerId },
      { name: 'note', accepts: OPTIONAL_TEXT },
      { name: 'payNow', accepts: ['empty'] },
      // Kept only for a cash sale (this one is on account): a valid amount is accepted and not stored.
      { name: 'tendered', accepts: ['empty', 'zero'], stored: () => '', column: 'cashTendered' },
      { name: line('product'), foreign: (fx) => fx.b.productSku },
      // Blank: the product typed in the text box (SALE-1).
      {
        name: line('productId'),
        accepts: ['empty'],
        foreign: (fx) => fx.b.productId,
        stored: () => 'SALE-1',
        errorIds: ['lines.0.productId', 'lines.0.product'],
      },
      { name: line('quantity'), accepts: ['empty'], stored: blankAs('1') },
      { name: line('unitPrice'), accepts: ['empty', 'zero'], stored: blankAs('10') },
      { name: line('discountPct'), accepts: ['empty', 'zero'], stored: blankAs('0') },
      { name: line('taxRate'), accepts: ['empty', 'zero'], stored: blankAs('0') },
    ],
    // tenants: the sale number counter (tenants.last_sale_number).
    writes: [
      'tenants',
      'sales',
      'sale_lines',
      'products',
      'stock_movements',
      'balance_days',
      'profit_days',
      'payments',
      'form_submissions',
    ],
    read: async (fx, { location }) => {
      const sale = await fx.prisma.sale.findUniqueOrThrow({
        where: { id: idIn(location) },
        include: { lines: { include: { product: true } }, payments: true },
      });
      const l = sale.lines[0]!;
      return {
        token: await tokenOf(fx, location),
        customerId: sale.customerId,
        note: sale.note,
        payNow: sale.payments[0]?.method,
        cashTendered: sale.cashTendered,
        [line('productId')]: l.product.sku,
        [line('quantity')]: l.quantity,
        [line('unitPrice')]: l.unitPrice,
        [line('discountPct')]: l.discountPct,
        [line('taxRate')]: l.taxRate,
      };
    },
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  {
    name: 'cancel sale (confirmation)',
    path: (fx) => `/sales/${fx.a.cancelSaleId}/cancel`,
    // A walk-in's cash is on this sale: it can only be cancelled with a refund method, so no hostile value cancels it.
    body: () => ({ settlement: 'cash' }),
    fields: [{ name: 'settlement' }],
    writes: ['sales', 'products', 'stock_movements', 'balance_days', 'profit_days', 'refunds', 'audit_entries'],
    ids: { path: (id) => `/sales/${id}/cancel`, valid: (fx) => fx.a.cancelSaleId, foreign: (fx) => fx.b.saleId },
  },
  {
    name: 'return and refund',
    path: (fx) => `/sales/${fx.a.returnSaleId}/returns`,
    body: () => ({ token: formToken(), [line1]: '1', settlement: 'cash', reason: '' }),
    fields: [
      tokenField,
      { name: line1 },
      // A walk-in sale: credit is refused like any other unknown method.
      { name: 'settlement' },
      { name: 'reason', accepts: OPTIONAL_TEXT },
    ],
    writes: [
      'returns',
      'return_lines',
      'sale_lines',
      'sales',
      'products',
      'stock_movements',
      'balance_days',
      'profit_days',
      'refunds',
      'form_submissions',
    ],
    read: async (fx, { location }) => {
      const r = await fx.prisma.return.findUniqueOrThrow({ where: { id: idIn(location) }, include: { lines: true } });
      return { token: await tokenOf(fx, location), reason: r.reason, [line1]: r.lines[0]?.quantity };
    },
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
    ids: { path: (id) => `/sales/${id}/returns`, valid: (fx) => fx.a.returnSaleId, foreign: (fx) => fx.b.saleId },
  },
  {
    name: 'close the till',
    path: () => '/till/close',
    body: () => ({ token: formToken(), counted: '12.50', note: '' }),
    fields: [tokenField, { name: 'counted', accepts: ['zero'] }, { name: 'note', accepts: OPTIONAL_TEXT }],
    // payments, refunds: the close claims the cash rows it counted.
    writes: ['till_closes', 'payments', 'refunds', 'form_submissions'],
    read: async (fx, { location }) => ({
      ...(await fx.prisma.tillClose.findUniqueOrThrow({ where: { id: idIn(location) } })),
      token: await tokenOf(fx, location),
    }),
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  {
    name: 'register payment',
    path: () => '/payments',
    body: (fx) => ({
      token: formToken(),
      amount: '1.00',
      method: 'cash',
      day: '',
      customerId: s(fx.a.payCustomerId),
      saleId: '',
      saleNumber: '',
      reference: '',
      note: '',
    }),
    fields: [
      tokenField,
      { name: 'amount' },
      { name: 'method' },
      // Blank: today in the business's time zone (UTC here).
      { name: 'day', accepts: ['empty'], stored: () => localDay(new Date(), 'UTC') },
      { name: 'customerId', foreign: (fx) => fx.b.customerId },
      { name: 'saleId', accepts: ['empty'], foreign: (fx) => fx.b.saleId },
      { name: 'saleNumber', accepts: ['empty'] },
      { name: 'reference', accepts: OPTIONAL_TEXT },
      { name: 'note', accepts: OPTIONAL_TEXT },
    ],
    writes: ['payments', 'balance_days', 'sales', 'form_submissions'],
    read: async (fx, { location }) => {
      const p = await fx.prisma.payment.findUniqueOrThrow({ where: { id: idIn(location) }, include: { sale: true } });
      return { ...p, token: await tokenOf(fx, location), day: localDay(p.paidAt, 'UTC'), saleNumber: p.sale?.number };
    },
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
];

const supplierFields = (): Field[] => [
  { name: 'name', accepts: TEXT },
  { name: 'contactName', accepts: OPTIONAL_TEXT },
  { name: 'email', accepts: ['empty'] },
  { name: 'phone', accepts: OPTIONAL_TEXT },
  { name: 'address', accepts: OPTIONAL_TEXT },
  { name: 'taxId', accepts: OPTIONAL_TEXT },
  // Whole days from 0 to 365; blank is 0.
  { name: 'paymentTermsDays', accepts: ['empty', 'zero'], stored: blankAs('0') },
  { name: 'notes', accepts: OPTIONAL_TEXT },
];
const supplierBody = (name: string) => ({
  name,
  contactName: '',
  email: '',
  phone: '',
  address: '',
  taxId: '',
  paymentTermsDays: '30',
  notes: '',
});
// The cells the supplier list shows (the notes are the supplier form's cases).
const SUPPLIER_CELLS = ['name', 'contact_name', 'email', 'payment_terms_days'] as const;
const orderLine = (f: string) => `lines[0][${f}]`;
const orderFields = (): Field[] => [
  { name: 'supplierId', foreign: (fx) => fx.b.supplierId },
  { name: 'note', accepts: OPTIONAL_TEXT },
  { name: orderLine('product'), foreign: (fx) => fx.b.productSku },
  { name: orderLine('quantity') },
  // Blank takes the product's last cost, which STOCK-1 has none of (nor an average cost).
  { name: orderLine('unitCost'), accepts: ['zero'] },
];
const orderBody = (fx: Fixtures) => ({
  supplierId: s(fx.a.editSupplierId),
  note: '',
  [orderLine('product')]: 'STOCK-1',
  [orderLine('quantity')]: '3',
  [orderLine('unitCost')]: '1.50',
});
const readOrder = async (fx: Fixtures, id: number) => {
  const o = await fx.prisma.purchaseOrder.findUniqueOrThrow({ where: { id }, include: { lines: { include: { product: true } } } });
  const l = o.lines[0]!;
  return {
    supplierId: o.supplierId,
    note: o.note,
    [orderLine('product')]: l.product.sku,
    [orderLine('quantity')]: l.quantity,
    [orderLine('unitCost')]: l.unitCost,
  };
};
const receiveLine = (f: string) => `lines[1][${f}]`;

const purchasing: Form[] = [
  {
    name: 'new supplier',
    path: () => '/purchasing/suppliers',
    body: (_fx, n) => ({ token: formToken(), ...supplierBody(`Supplier ${n}`) }),
    fields: [tokenField, ...supplierFields()],
    writes: ['suppliers', 'form_submissions'],
    read: async (fx, { location }) => ({
      ...(await fx.prisma.supplier.findUniqueOrThrow({ where: { id: idIn(location) } })),
      token: await tokenOf(fx, location),
    }),
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  {
    name: 'edit supplier',
    path: (fx) => `/purchasing/suppliers/${fx.a.editSupplierId}`,
    body: () => supplierBody('Hostile Supplies'),
    fields: supplierFields(),
    writes: ['suppliers'],
    read: (fx) => fx.prisma.supplier.findUniqueOrThrow({ where: { id: fx.a.editSupplierId } }),
    shownAt: (fx) => `/purchasing/suppliers/${fx.a.editSupplierId}/edit`,
    ids: { path: (id) => `/purchasing/suppliers/${id}`, valid: (fx) => fx.a.editSupplierId, foreign: (fx) => fx.b.supplierId },
  },
  {
    name: 'supplier CSV import',
    path: () => '/purchasing/suppliers/import',
    body: (_fx, n) => ({
      action: 'import',
      'cell:name': `Imported supplier ${n}`,
      'cell:contact_name': '',
      'cell:email': '',
      'cell:payment_terms_days': '15',
    }),
    encode: (body) => {
      const { action, csv, ...cells } = body;
      const text =
        'csv' in body ? csv : `${SUPPLIER_CELLS.join(',')}\n${SUPPLIER_CELLS.map((c) => csvCell(cells[`cell:${c}`])).join(',')}\n`;
      return { action, csv: text };
    },
    fields: [
      // Read after the permission check by its own parser: a JSON body is not read, so the file is empty and refused as such.
      { name: 'action', ignores: ['empty', 'huge', 'hugeNumber', 'negative', 'zero', 'unicode', 'nul', 'html', 'sql', 'array'] },
      { name: 'csv' },
      ...(
        [
          { name: 'cell:name', accepts: TEXT },
          { name: 'cell:contact_name', accepts: OPTIONAL_TEXT },
          { name: 'cell:email', accepts: ['empty'] },
          { name: 'cell:payment_terms_days', accepts: ['empty', 'zero'], stored: blankAs('0') },
        ] satisfies Field[]
      ).map((f): Field => ({ ...f, skip: ['array', 'object'] })),
    ],
    writes: ['suppliers'],
    read: async (fx, { body }) => {
      const supplier = await fx.prisma.supplier.findFirstOrThrow({
        where: { tenantId: fx.a.tenantId, name: String(body['cell:name']).trim() },
      });
      return {
        'cell:name': supplier.name,
        'cell:contact_name': supplier.contactName,
        'cell:email': supplier.email,
        'cell:payment_terms_days': supplier.paymentTermsDays,
      };
    },
    shownAt: (_fx, { body }) => `/purchasing/suppliers?q=${encodeURIComponent(String(body['cell:name']).trim())}`,
    cleanup: async (fx, { body }) => {
      await fx.prisma.supplier.deleteMany({ where: { tenantId: fx.a.tenantId, name: String(body['cell:name']).trim() } });
    },
  },
  {
    name: "a product's buying details",
    path: (fx) => `/purchasing/products/${fx.a.editProductId}/buying`,
    body: (fx) => ({ preferredSupplierId: s(fx.a.editSupplierId), supplierCode: 'HS-1', lastCost: '1.20' }),
    fields: [
      { name: 'preferredSupplierId', accepts: ['empty'], foreign: (fx) => fx.b.supplierId },
      { name: 'supplierCode', accepts: OPTIONAL_TEXT },
      { name: 'lastCost', accepts: ['empty', 'zero'] },
    ],
    writes: ['products'],
    read: (fx) => fx.prisma.product.findUniqueOrThrow({ where: { id: fx.a.editProductId } }),
    shownAt: (fx) => `/catalog/products/${fx.a.editProductId}`,
    ids: { path: (id) => `/purchasing/products/${id}/buying`, valid: (fx) => fx.a.editProductId, foreign: (fx) => fx.b.productId },
  },
  {
    name: 'new purchase order',
    path: () => '/purchasing/orders',
    body: (fx) => ({ token: formToken(), ...orderBody(fx) }),
    fields: [tokenField, ...orderFields()],
    // tenants: the order number counter (tenants.last_purchase_order_number).
    writes: ['tenants', 'purchase_orders', 'purchase_order_lines', 'form_submissions'],
    read: async (fx, { location }) => ({ ...(await readOrder(fx, idIn(location))), token: await tokenOf(fx, location) }),
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  {
    name: 'edit a draft purchase order',
    path: (fx) => `/purchasing/orders/${fx.a.draftOrderId}`,
    body: (fx) => orderBody(fx),
    fields: orderFields(),
    writes: ['purchase_orders', 'purchase_order_lines'],
    read: (fx) => readOrder(fx, fx.a.draftOrderId),
    shownAt: (fx) => `/purchasing/orders/${fx.a.draftOrderId}`,
    ids: { path: (id) => `/purchasing/orders/${id}`, valid: (fx) => fx.a.draftOrderId, foreign: (fx) => fx.b.draftOrderId },
  },
  ...(['order', 'cancel'] as const).map((action): Form => ({
    name: `${action} a purchase order`,
    path: (fx) => `/purchasing/orders/${fx.a.draftOrderId}/${action}`,
    body: () => ({}),
    fields: [],
    writes: ['purchase_orders'],
    ids: { path: (id) => `/purchasing/orders/${id}/${action}`, valid: (fx) => fx.a.draftOrderId, foreign: (fx) => fx.b.draftOrderId },
  })),
  {
    name: 'receive goods',
    path: (fx) => `/purchasing/orders/${fx.a.receiveOrderId}/receive`,
    body: () => ({ token: formToken(), [receiveLine('quantity')]: '1', [receiveLine('unitCost')]: '', confirmOver: '', note: '' }),
    fields: [
      tokenField,
      // Blank or zero receives nothing, and something must be received.
      { name: receiveLine('quantity'), errorIds: ['lines.1.quantity', 'lines'] },
      // Blank: the order's cost (2.00); an owner may receive at another.
      { name: receiveLine('unitCost'), accepts: ['empty', 'zero'], stored: blankAs('2') },
      { name: 'note', accepts: OPTIONAL_TEXT },
    ],
    writes: [
      'purchase_orders',
      'purchase_order_lines',
      'products',
      'stock_movements',
      'purchase_receipts',
      'purchase_receipt_lines',
      'suppliers',
      'form_submissions',
    ],
    read: async (fx, { location }) => {
      const r = await fx.prisma.purchaseReceipt.findUniqueOrThrow({ where: { id: idIn(location) }, include: { lines: true } });
      return { token: await tokenOf(fx, location), [receiveLine('unitCost')]: r.lines[0]?.unitCost, note: r.note };
    },
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
    ids: { path: (id) => `/purchasing/orders/${id}/receive`, valid: (fx) => fx.a.receiveOrderId, foreign: (fx) => fx.b.orderId },
  },
  {
    name: 'pay a supplier',
    path: () => '/purchasing/payments',
    body: (fx) => ({
      token: formToken(),
      supplierId: s(fx.a.paySupplierId),
      amount: '1.00',
      method: 'transfer',
      day: '',
      reference: '',
      note: '',
    }),
    fields: [
      tokenField,
      { name: 'supplierId', foreign: (fx) => fx.b.supplierId },
      { name: 'amount' },
      { name: 'method' },
      // Blank: today in the business's time zone (UTC here).
      { name: 'day', accepts: ['empty'], stored: () => localDay(new Date(), 'UTC') },
      { name: 'reference', accepts: OPTIONAL_TEXT },
      { name: 'note', accepts: OPTIONAL_TEXT },
    ],
    writes: ['supplier_payments', 'suppliers', 'form_submissions'],
    read: async (fx, { location }) => {
      const p = await fx.prisma.supplierPayment.findUniqueOrThrow({ where: { id: idIn(location) } });
      return { ...p, token: await tokenOf(fx, location), day: localDay(p.paidAt, 'UTC') };
    },
    shownAt: (_fx, { location }) => location,
    cleanup: (fx, { location }) => dropFormToken(fx, location),
  },
  // Its quantities are named by product id (items[<id>]); their hostile values are in test/purchasing/purchasing-pages.test.ts.
  {
    name: 'make draft orders from the reorder list',
    path: () => '/purchasing/reorder',
    body: () => ({ token: formToken() }),
    fields: [],
    writes: [],
  },
];

const loginPage = async (fx: Fixtures) => {
  const client = fx.freshClient();
  await client.get('/login');
  return client;
};
// Each case may be a wrong password or code: the sweep tests what a form does with a value,
// so the account's sign-in limit is reset before each (test/auth/guess-passwords.test.ts tests the limits).
const forgetGuesses = (fx: Fixtures, email: string) => fx.t.deps.loginThrottle.forget('password', email);

const account: Form[] = [
  {
    name: 'sign in',
    path: () => '/login',
    body: (fx) => ({ email: fx.a.loginUser.email, password: TEST_PASSWORD }),
    fields: [{ name: 'email' }, { name: 'password' }],
    writes: [],
    client: async (fx) => {
      await forgetGuesses(fx, fx.a.loginUser.email);
      return loginPage(fx);
    },
  },
  {
    name: 'second sign-in step',
    path: () => '/login/2fa',
    body: () => ({ code: '000000' }),
    fields: [{ name: 'code' }],
    writes: [],
    client: async (fx) => {
      await fx.t.deps.loginThrottle.forget('secondFactor', `${fx.a.tenantId}:${fx.a.totpUser.id}`);
      const client = await loginPage(fx);
      const res = await client.post('/login', { email: fx.a.totpUser.email, password: TEST_PASSWORD });
      if (res.location !== '/login/2fa') throw new Error(`two-factor user did not reach the code step: ${res.status}`);
      await client.get('/login/2fa');
      return client;
    },
  },
  { name: 'sign out', path: () => '/logout', body: () => ({}), fields: [], writes: [], client: async (fx) => fx.a.other },
  {
    name: 'change own password',
    path: () => '/account/password',
    body: (fx, n) => ({
      currentPassword: fx.a.passwordUser.password,
      newPassword: `new-password-${n}`,
      confirmPassword: `new-password-${n}`,
    }),
    // 10+ characters that are not easy to guess: any script, HTML and quotes make good
    // passwords; 10^30 (a one and thirty zeros) is a repeat and is refused.
    fields: [
      { name: 'currentPassword' },
      { name: 'newPassword', accepts: ['unicode', 'html', 'sql'], linked: ['confirmPassword'] },
      { name: 'confirmPassword' },
    ],
    writes: ['users'],
    client: async (fx) => {
      await forgetGuesses(fx, fx.a.passwordUser.email);
      return fx.a.passwordClient;
    },
    read: async (fx, { body }) => {
      const user = await fx.prisma.user.findUniqueOrThrow({ where: { id: fx.a.passwordUser.id } });
      return { newPassword: (await verifyPassword(user.passwordHash, String(body.newPassword))) ? body.newPassword : '(another password)' };
    },
    cleanup: async (fx, { body }) => {
      fx.a.passwordUser.password = String(body.newPassword);
    },
  },
  {
    name: 'turn on two-factor sign-in',
    path: () => '/account/2fa/enable',
    body: () => ({ password: TEST_PASSWORD, code: '123456' }),
    fields: [{ name: 'password' }, { name: 'code' }],
    writes: ['users'],
    client: async (fx) => {
      await forgetGuesses(fx, fx.a.ownerEmail);
      await fx.a.owner.get('/account/2fa'); // holds the new secret in the session
      return fx.a.owner;
    },
  },
  {
    name: 'turn off two-factor sign-in',
    path: () => '/account/2fa/disable',
    body: () => ({ password: TEST_PASSWORD }),
    fields: [{ name: 'password' }],
    writes: ['users'],
    client: async (fx) => {
      await forgetGuesses(fx, fx.a.totpClientEmail);
      return fx.a.totpClient;
    },
  },
];

/** Every class: a checkbox sent with anything but "on" (or not at all) is unticked. */
const ANY: ValueClass[] = ['empty', 'huge', 'hugeNumber', 'negative', 'zero', 'unicode', 'nul', 'html', 'sql', 'array', 'object'];

const alerts: Form[] = [
  {
    name: 'e-mail alerts',
    path: () => '/account/alerts',
    body: () => ({ lowStockDigest: 'on' }),
    fields: [{ name: 'lowStockDigest', accepts: ANY, stored: UNCHECKED }],
    writes: ['users'],
    read: async (fx) => ({
      lowStockDigest: String((await fx.prisma.user.findFirstOrThrow({ where: { email: fx.a.ownerEmail } })).lowStockDigest),
    }),
  },
  {
    name: 'language',
    path: () => '/account/language',
    // Blank: the business's language. Any other unknown value changes nothing (a choice, not text).
    body: () => ({ lang: '', back: '/sales' }),
    fields: [
      { name: 'lang', accepts: ['empty'], ignores: ANY.filter((c) => c !== 'empty'), stored: () => '', column: 'language' },
      // Wherever "back" points, the choice is saved and the redirect stays on this site.
      { name: 'back', accepts: ANY, stored: () => '', column: 'language' },
    ],
    writes: ['users'],
    client: async (fx) => fx.a.languageClient,
    read: async (fx, { location }) => {
      if (!location.startsWith('/') || location.startsWith('//')) throw new Error(`redirected off the site: ${location}`);
      const user = await fx.prisma.user.findFirstOrThrow({ where: { id: fx.a.languageUserId } });
      return { language: user.language };
    },
  },
];

// Signed-out forms of the e-mail work: "forgot password", and setting a password through an
// invitation or reset link. Each case gets a new client (and address) that has read the page,
// as a visitor would, and each link case a fresh link made through the link service.

const visitorOf = (path: (fx: Fixtures) => string) => async (fx: Fixtures) => {
  const client = fx.freshClient();
  await client.get(path(fx));
  return client;
};

const issue = (fx: Fixtures, user: TestUser, purpose: LinkPurpose, now?: Date) =>
  fx.t.deps.tenantDb(user.tenantId).$transaction((tx) => issueLink(tx, user.id, purpose, now));
/** The link the current case posts to. */
const currentLink: Record<LinkPurpose, string> = { invitation: '', password_reset: '' };

const linkForm = (purpose: LinkPurpose, name: string, prefix: string, user: (fx: Fixtures) => TestUser): Form => ({
  name,
  path: () => `${prefix}${currentLink[purpose]}`,
  body: (_fx, n) => ({ password: `lantern-orbit-${n}-velvet`, confirmPassword: `lantern-orbit-${n}-velvet` }),
  // As for one's own password: any script, HTML and quotes make good passwords.
  fields: [{ name: 'password', accepts: ['unicode', 'html', 'sql'], linked: ['confirmPassword'] }, { name: 'confirmPassword' }],
  // one_time_links: the link (and the user's other open links) spent; users: the password.
  writes: ['users', 'one_time_links', 'audit_entries'],
  prepare: async (fx) => {
    currentLink[purpose] = await issue(fx, user(fx), purpose);
  },
  client: visitorOf(() => `${prefix}${currentLink[purpose]}`),
  redirectsTo: /^\/login\?passwordSet=1$/,
  read: async (fx, { body }) => {
    const row = await fx.prisma.user.findUniqueOrThrow({ where: { id: user(fx).id } });
    return { password: (await verifyPassword(row.passwordHash, String(body.password))) ? body.password : '(another password)' };
  },
  tokens: { path: (segment) => `${prefix}${segment}`, purpose, user },
});

const signedOut: Form[] = [
  {
    name: 'forgot password',
    path: () => '/password/forgot',
    body: (fx) => ({ email: fx.a.resetUser.email }),
    // No hostile value is an e-mail address: each is refused saying so, before any limit or look-up.
    fields: [{ name: 'email' }],
    writes: [],
    client: visitorOf(() => '/password/forgot'),
  },
  linkForm('invitation', 'accept an invitation', '/invitation/', (fx) => fx.a.invitedUser),
  linkForm('password_reset', 'set a new password from a reset link', '/password/reset/', (fx) => fx.a.resetUser),
];

/** Tokens in a link's URL (as sent, percent-encoded) that open nothing: each answers 410 with the "expired or used" page, whatever is posted. */
export const hostileTokens: Array<{ label: string; token(fx: Fixtures, user: TestUser, purpose: LinkPurpose): Promise<string> }> = [
  { label: 'made up, of the right shape', token: async () => randomBytes(32).toString('base64url') },
  {
    label: 'already used',
    token: async (fx, user, purpose) => {
      const token = await issue(fx, user, purpose);
      await fx.t.deps.links.setPassword(token, purpose, 'an-earlier-lantern-orbit', 'an-earlier-lantern-orbit');
      return token;
    },
  },
  {
    label: 'replaced by a newer link',
    token: async (fx, user, purpose) => {
      const token = await issue(fx, user, purpose);
      await issue(fx, user, purpose);
      return token;
    },
  },
  { label: 'expired', token: (fx, user, purpose) => issue(fx, user, purpose, new Date(Date.now() - 73 * 3600 * 1000)) },
  {
    label: 'a valid link of the other kind',
    token: (fx, user, purpose) => issue(fx, user, purpose === 'invitation' ? 'password_reset' : 'invitation'),
  },
  { label: "a deactivated user's", token: (fx, _user, purpose) => issue(fx, fx.a.inactiveUser, purpose) },
  { label: 'too short', token: async () => 'abc' },
  { label: 'SQL-looking', token: async () => encodeURIComponent("1'; DROP TABLE one_time_links; --") },
  { label: 'a NUL byte', token: async () => `${randomBytes(32).toString('base64url').slice(0, 42)}%00` },
  { label: 'a broken percent-encoding', token: async () => `${randomBytes(32).toString('base64url').slice(0, 40)}%E0%A4%A` },
  { label: '8 kB', token: async () => 'A'.repeat(8_000) },
];

const admin: Form[] = [
  {
    name: 'invite a user',
    path: () => '/settings/users',
    body: (_fx, n) => ({ email: `invitee-${n}@test.stock`, name: 'Invitee', role: 'staff' }),
    fields: [{ name: 'email' }, { name: 'name', accepts: OPTIONAL_TEXT }, { name: 'role' }],
    // one_time_links: the invitation's link (e-mail is on in the sweep).
    writes: ['users', 'one_time_links', 'audit_entries'],
    read: (fx, { body }) => fx.prisma.user.findUniqueOrThrow({ where: { email: String(body.email) } }),
    shownAt: () => '/settings/users',
  },
  {
    name: 'require two-factor sign-in',
    path: () => '/settings/users/two-factor',
    body: () => ({ require2fa: 'off' }),
    fields: [{ name: 'require2fa' }],
    writes: ['tenants', 'audit_entries'],
  },
  {
    name: "change a user's role",
    path: (fx) => `/settings/users/${fx.a.staffUserId}/role`,
    body: () => ({ role: 'manager' }),
    fields: [{ name: 'role' }],
    writes: ['users', 'audit_entries'],
    ids: { path: (id) => `/settings/users/${id}/role`, valid: (fx) => fx.a.staffUserId, foreign: (fx) => fx.b.userId },
  },
  ...(['deactivate', 'activate'] as const).map((action): Form => ({
    name: `${action} a user`,
    path: (fx) => `/settings/users/${fx.a.staffUserId}/${action}`,
    body: () => ({}),
    fields: [],
    writes: ['users', 'audit_entries'],
    ids: { path: (id) => `/settings/users/${id}/${action}`, valid: (fx) => fx.a.staffUserId, foreign: (fx) => fx.b.userId },
  })),
  {
    name: 'clear a cache module',
    path: () => '/admin/cache/clear',
    body: () => ({ module: 'products', confirm: 'yes' }),
    fields: [{ name: 'module' }, { name: 'confirm' }],
    writes: [],
  },
  { name: 'warm the cache', path: () => '/admin/cache/warm', body: () => ({}), fields: [], writes: [] },
];

export const forms: Form[] = [...catalog, ...settings, ...sales, ...purchasing, ...account, ...alerts, ...signedOut, ...admin];

/** Search boxes (GET forms): any text is a valid search; the page answers 200 and writes nothing. */
export const searches: Array<{ name: string; path: string }> = [
  { name: 'product list search', path: '/catalog/products' },
  { name: 'product CSV export', path: '/catalog/products/export.csv' },
  { name: 'customer search', path: '/customers' },
  { name: "the sale form's product picker", path: '/sales/product-search' },
  { name: "the customer pickers' search", path: '/customers/search' },
  { name: 'sales list', path: '/sales' },
  { name: 'payments list', path: '/payments' },
  { name: "the label form's product search", path: '/catalog/labels' },
  { name: 'supplier search', path: '/purchasing/suppliers' },
];

/**
 * The other boxes of GET forms (filters, dates, ids): a value that is not one is dropped or
 * refused with the form again (400/422), never a 5xx, and nothing is written.
 */
export const queryBoxes: Array<{ name: string; path(fx: Fixtures): string; params: string[] }> = [
  { name: 'sales list filters', path: () => '/sales', params: ['from', 'to', 'customer', 'status', 'page'] },
  { name: 'payments list filters', path: () => '/payments', params: ['from', 'to', 'customer', 'method', 'page'] },
  { name: 'product list filters', path: () => '/catalog/products', params: ['category', 'stock', 'sort', 'page'] },
  { name: 'customer list page', path: () => '/customers', params: ['page'] },
  { name: 'balance', path: () => '/balance', params: ['preset', 'from', 'to', 'granularity', 'customer', 'asOf'] },
  { name: 'balance CSV', path: () => '/balance.csv', params: ['preset', 'from', 'to', 'granularity', 'customer'] },
  { name: 'balance detail', path: () => '/balance/detail', params: ['from', 'to', 'granularity', 'customer'] },
  { name: 'profit', path: () => '/profit', params: ['preset', 'from', 'to', 'granularity', 'asOf', 'daily'] },
  { name: 'profit CSV', path: () => '/profit.csv', params: ['preset', 'from', 'to', 'granularity'] },
  { name: 'stock value CSV', path: () => '/profit/stock-value.csv', params: ['asOf'] },
  { name: 'customer statement', path: (fx) => `/customers/${fx.a.editCustomerId}/statement`, params: ['from', 'to'] },
  { name: 'new payment for a sale', path: () => '/payments/new', params: ['sale', 'customer'] },
  { name: 'new sale for a customer', path: () => '/sales/new', params: ['customer'] },
  { name: 'supplier list page', path: () => '/purchasing/suppliers', params: ['page'] },
  { name: 'purchase order filters', path: () => '/purchasing/orders', params: ['status', 'supplier', 'page'] },
  { name: 'payments to suppliers filters', path: () => '/purchasing/payments', params: ['from', 'to', 'supplier', 'method', 'page'] },
  { name: 'supplier statement', path: (fx) => `/purchasing/suppliers/${fx.a.paySupplierId}/statement`, params: ['from', 'to'] },
  { name: 'new purchase order for a supplier', path: () => '/purchasing/orders/new', params: ['supplier'] },
  { name: 'pay a supplier, chosen', path: () => '/purchasing/payments/new', params: ['supplier'] },
];

/** Filter forms (GET) whose values are choices, not free text: a bad one is dropped with a message (400), never a 500. */
export const filters: Array<{ name: string; path: string; params: string[] }> = [
  { name: 'audit log filters', path: '/settings/audit', params: ['user', 'kind', 'from', 'to', 'page'] },
];
