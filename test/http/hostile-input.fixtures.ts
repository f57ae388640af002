import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { newTotpSecret } from '../../src/auth/totp.ts';
import { TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.ts';
import { TestClient } from '../helpers/http-client.ts';
import type { ValueClass } from './hostile-input.forms.ts';

// The data the hostile-input table attacks: business A (the signed-in owner's) with one
// target row of every kind, and business B, whose ids A's owner must never reach.

export interface Fixtures {
  t: TestApp;
  prisma: PrismaClient;
  a: {
    tenantId: number;
    owner: TestClient;
    ownerEmail: string;
    unitId: number;
    categoryId: number;
    editProductId: number;
    stockProductId: number;
    saleProductId: number;
    editCategoryId: number;
    editUnitId: number;
    editCustomerId: number;
    payCustomerId: number;
    saleId: number;
    /** A walk-in sale of 1000 units paid in cash: returns take 1 unit at a time from it. */
    returnSaleId: number;
    /** A walk-in sale paid in cash: cancelling it needs a refund method. */
    cancelSaleId: number;
    staffUserId: number;
    /** Changes its own password (account form); `password` follows what was accepted. */
    passwordUser: TestUser;
    /** Signs in through the login forms only (never successfully there). */
    loginUser: TestUser;
    /** Has two-factor sign-in on. */
    totpUser: TestUser;
    /** passwordUser's session. */
    passwordClient: TestClient;
    /** A session of a user with two-factor sign-in on (the form to turn it off), and that user's email. */
    totpClient: TestClient;
    totpClientEmail: string;
    /** A session for the logout form's CSRF cases. */
    other: TestClient;
    /** Purchasing: a supplier to edit, a draft order (edited, never ordered), an ordered one to receive (a million units) and a supplier owed a million. */
    editSupplierId: number;
    draftOrderId: number;
    receiveOrderId: number;
    paySupplierId: number;
    /** Users who set their password through a one-time link (a fresh link per case), and one who is deactivated. */
    invitedUser: TestUser;
    resetUser: TestUser;
    inactiveUser: TestUser;
    /** A session that saves its language choice (kept apart: the other sessions' pages stay English). */
    languageClient: TestClient;
    languageUserId: number;
  };
  b: {
    tenantId: number;
    unitId: number;
    unitCode: string;
    categoryId: number;
    categoryName: string;
    productId: number;
    productSku: string;
    customerId: number;
    saleId: number;
    userId: number;
    supplierId: number;
    /** An ordered purchase and a draft of business B. */
    orderId: number;
    draftOrderId: number;
  };
  /** A client from a new address (sign-in limits count per IP; TRUST_PROXY is on). */
  freshClient(): TestClient;
}

let ips = 0;
export const formToken = () => `hostile-${randomBytes(8).toString('hex')}`;

async function must(res: Promise<{ status: number; location: string | null; html: string }>, what: string): Promise<string> {
  const r = await res;
  if (r.status !== 303) throw new Error(`fixture ${what}: ${r.status} ${r.html.slice(0, 300)}`);
  return r.location ?? '';
}
export const idIn = (location: string) => Number(/\/(\d+)$/.exec(location)?.[1] ?? NaN);

/** The catalog, a customer and a sale of one business, through its owner's forms. */
async function stock(
  prisma: PrismaClient,
  tenantId: number,
  owner: TestClient,
  p: { unit: string; category: string; sku: string; customer: string },
) {
  await must(owner.post('/settings/uoms', { code: p.unit, name: p.unit }), 'unit');
  await must(owner.post('/settings/categories', { name: p.category, parentId: '' }), 'category');
  const unitId = (await prisma.unit.findFirstOrThrow({ where: { tenantId, code: p.unit } })).id;
  const categoryId = (await prisma.category.findFirstOrThrow({ where: { tenantId, name: p.category } })).id;
  const product = (sku: string, price: string, openingStock: string) =>
    must(
      owner.post('/catalog/products', {
        sku,
        name: `Product ${sku}`,
        unitId: String(unitId),
        categoryId: String(categoryId),
        price,
        openingStock,
      }),
      `product ${sku}`,
    ).then(idIn);
  const productId = await product(p.sku, '10.00', '100000');
  const customerId = idIn(await must(owner.post('/customers', { token: formToken(), name: p.customer }), 'customer'));
  const saleId = idIn(
    await must(owner.post('/sales', { token: formToken(), 'lines[0][product]': p.sku, 'lines[0][quantity]': '1' }), 'sale'),
  );
  return { unitId, categoryId, productId, customerId, saleId, product };
}

/** A supplier of the business and two orders of its product: a draft, and one ordered of `quantity` (received too, when `receive`). */
async function purchasing(t: TestApp, tenantId: number, ownerId: number, productId: number, opts: { quantity: string; receive?: boolean }) {
  const scope = { tenantId, userId: ownerId, role: 'owner' as const, db: t.deps.tenantDb(tenantId) };
  const p = t.deps.purchasing;
  const supplierId = (await p.suppliers.create(scope, { token: formToken(), name: 'Hostile Supplies', paymentTermsDays: '30' })).id;
  const order = async () =>
    (await p.orders.create(scope, { token: formToken(), supplierId, lines: [{ productId, quantity: opts.quantity, unitCost: '2.00' }] }))
      .id;
  const draftOrderId = await order();
  const orderId = await order();
  await p.orders.order(scope, orderId);
  if (opts.receive) await p.receiving.receive(scope, orderId, { token: formToken(), lines: { 1: { quantity: opts.quantity } } });
  return { supplierId, draftOrderId, orderId };
}

export async function setUpFixtures(t: TestApp): Promise<Fixtures> {
  const prisma = t.deps.db.prisma;
  const tenantA = await t.createTenantWithOwner('Hostile Hardware');
  const tenantB = await t.createTenantWithOwner('Other Business');
  const owner = await t.signIn(tenantA.owner.email, TEST_PASSWORD);
  const ownerB = await t.signIn(tenantB.owner.email, TEST_PASSWORD);

  const a = await stock(prisma, tenantA.tenantId, owner, { unit: 'unit', category: 'Tools', sku: 'SALE-1', customer: 'Pay Customer' });
  const editProductId = await a.product('EDIT-1', '5.00', '');
  const stockProductId = await a.product('STOCK-1', '5.00', '100');
  await must(owner.post('/settings/uoms', { code: 'box', name: 'Box' }), 'unit box');
  await must(owner.post('/settings/categories', { name: 'Edit category', parentId: '' }), 'category to edit');
  const editCustomerId = idIn(await must(owner.post('/customers', { token: formToken(), name: 'Edit customer' }), 'customer to edit'));
  const paidSale = (quantity: string, what: string) =>
    must(
      owner.post('/sales', { token: formToken(), 'lines[0][product]': 'SALE-1', 'lines[0][quantity]': quantity, payNow: 'cash' }),
      what,
    ).then(idIn);
  const returnSaleId = await paidSale('1000', 'sale to return from');
  const cancelSaleId = await paidSale('1', 'paid sale to cancel');

  const b = await stock(prisma, tenantB.tenantId, ownerB, {
    unit: 'crate',
    category: 'Theirs',
    sku: 'THEIRS-1',
    customer: 'Their Customer',
  });
  const bUser = await t.createUser(tenantB.tenantId, 'staff');

  const totpUser = await t.createUser(tenantA.tenantId, 'staff');
  await prisma.user.update({
    where: { id: totpUser.id },
    data: { totpSecret: t.deps.totpSecrets.seal(newTotpSecret(), totpUser.id), totpEnabled: true },
  });
  const otherUser = await t.createUser(tenantA.tenantId, 'staff');
  const totpSignedIn = await t.createUser(tenantA.tenantId, 'staff');
  const totpClient = await t.signIn(totpSignedIn.email, TEST_PASSWORD);
  await prisma.user.update({
    where: { id: totpSignedIn.id },
    data: { totpSecret: t.deps.totpSecrets.seal(newTotpSecret(), totpSignedIn.id), totpEnabled: true },
  });
  const passwordUser = await t.createUser(tenantA.tenantId, 'staff');
  const buyA = await purchasing(t, tenantA.tenantId, tenantA.owner.id, a.productId, { quantity: '1000000' });
  const payA = await purchasing(t, tenantA.tenantId, tenantA.owner.id, a.productId, { quantity: '500000', receive: true });
  const buyB = await purchasing(t, tenantB.tenantId, tenantB.owner.id, b.productId, { quantity: '10' });
  const inactiveUser = await t.createUser(tenantA.tenantId, 'staff');
  await prisma.user.update({ where: { id: inactiveUser.id }, data: { active: false } });
  const languageUser = await t.createUser(tenantA.tenantId, 'staff');

  return {
    t,
    prisma,
    a: {
      tenantId: tenantA.tenantId,
      owner,
      ownerEmail: tenantA.owner.email,
      unitId: a.unitId,
      categoryId: a.categoryId,
      editProductId,
      stockProductId,
      saleProductId: a.productId,
      editCategoryId: (await prisma.category.findFirstOrThrow({ where: { tenantId: tenantA.tenantId, name: 'Edit category' } })).id,
      editUnitId: (await prisma.unit.findFirstOrThrow({ where: { tenantId: tenantA.tenantId, code: 'box' } })).id,
      editCustomerId,
      payCustomerId: a.customerId,
      saleId: a.saleId,
      returnSaleId,
      cancelSaleId,
      staffUserId: (await t.createUser(tenantA.tenantId, 'staff')).id,
      passwordUser,
      passwordClient: await t.signIn(passwordUser.email, TEST_PASSWORD),
      loginUser: await t.createUser(tenantA.tenantId, 'staff'),
      totpUser,
      totpClient,
      totpClientEmail: totpSignedIn.email,
      other: await t.signIn(otherUser.email, TEST_PASSWORD),
      editSupplierId: buyA.supplierId,
      draftOrderId: buyA.draftOrderId,
      receiveOrderId: buyA.orderId,
      paySupplierId: payA.supplierId,
      invitedUser: await t.createUser(tenantA.tenantId, 'staff'),
      resetUser: await t.createUser(tenantA.tenantId, 'manager'),
      inactiveUser,
      languageClient: await t.signIn(languageUser.email, TEST_PASSWORD),
      languageUserId: languageUser.id,
    },
    b: {
      tenantId: tenantB.tenantId,
      unitId: b.unitId,
      unitCode: 'crate',
      categoryId: b.categoryId,
      categoryName: 'Theirs',
      productId: b.productId,
      productSku: 'THEIRS-1',
      customerId: b.customerId,
      saleId: b.saleId,
      userId: bUser.id,
      supplierId: buyB.supplierId,
      orderId: buyB.orderId,
      draftOrderId: buyB.draftOrderId,
    },
    freshClient: () => {
      ips++;
      return t.client({ 'x-forwarded-for': `10.${(ips >> 16) & 255}.${(ips >> 8) & 255}.${ips & 255}` });
    },
  };
}

/** Every table of business data, as one fingerprint per table (all tenants). */
export const SNAPSHOT_TABLES = [
  'tenants',
  'users',
  'categories',
  'units',
  'products',
  'product_barcodes',
  'customers',
  'sales',
  'sale_lines',
  'payments',
  'stock_movements',
  'balance_days',
  'profit_days',
  'form_submissions',
  'returns',
  'return_lines',
  'refunds',
  'till_closes',
  'audit_entries',
  'suppliers',
  'purchase_orders',
  'purchase_order_lines',
  'purchase_receipts',
  'purchase_receipt_lines',
  'supplier_payments',
  'one_time_links',
  'alert_runs',
  'alert_deliveries',
] as const;
export type Table = (typeof SNAPSHOT_TABLES)[number];
export type Snapshot = Record<Table, string>;

const snapshotSql = SNAPSHOT_TABLES.map(
  (table) => `SELECT '${table}' AS t, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS h FROM ${table} x`,
).join(' UNION ALL ');

export async function snapshot(prisma: PrismaClient): Promise<Snapshot> {
  const rows = await prisma.$queryRawUnsafe<Array<{ t: Table; h: string }>>(snapshotSql);
  return Object.fromEntries(rows.map((r) => [r.t, r.h])) as Snapshot;
}

export interface HostileValue {
  cls: Exclude<ValueClass, 'otherTenant'>;
  label: string;
  value: unknown;
}

export const SCRIPT = '<script>alert(1)</script>';

/** One value of each hostile class (the forms table says which a field accepts). */
export const hostileValues: HostileValue[] = [
  { cls: 'empty', label: 'empty', value: '' },
  { cls: 'huge', label: '100 kB of digits', value: '9'.repeat(100_000) },
  { cls: 'hugeNumber', label: '10^30', value: `1${'0'.repeat(30)}` },
  { cls: 'negative', label: '-1', value: '-1' },
  { cls: 'zero', label: '0', value: '0' },
  { cls: 'unicode', label: 'emoji, RTL and combining marks', value: 'Zoë 🧾 שלום مرحبا e\u0301' },
  { cls: 'nul', label: 'a NUL byte', value: 'a\u0000b' },
  { cls: 'html', label: 'HTML and script', value: `">${SCRIPT}` },
  { cls: 'sql', label: 'SQL-looking', value: "'; DROP TABLE products; --" },
  { cls: 'array', label: 'an array (the field twice)', value: ['1', '2'] },
  { cls: 'object', label: 'an object (JSON body)', value: { b: '1' } },
];
