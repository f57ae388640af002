import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions, can, type Action } from '../../src/auth/permissions.ts';
import type { Scope } from '../../src/db/scope.ts';
import type { RoleName } from '../../src/auth/users.schema.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// Each role × each protected action, through HTTP, against the permission table
// (src/auth/permissions.ts): a row names the table's action (null: every signed-in user) and
// the expected outcome is `can(role, action)`. The table is enforced in the services, not in
// the routers, so each row fails when the service's check is taken away: a refused request
// answers 403, and where the refusal is a field kept as stored (a price, the active flag) or
// something left out (the cost, the balance), `effect` checks what was stored or shown.

interface Ctx {
  t: TestApp;
  business: TestTenant;
  owner: Scope;
  unitId: number;
  /** Of this business: a fresh product (own SKU) with stock. */
  product(fields?: { price?: string; cost?: string }): Promise<{ id: number; sku: string }>;
}
interface Sent {
  status: number;
  html: string;
  location: string | null;
}
interface Row {
  what: string;
  permission: Action | null;
  method: 'GET' | 'POST';
  /** Path and form, built fresh per call (targets are created as needed); `state` goes to `effect`. */
  request(ctx: Ctx): Promise<{ path: string; form?: Record<string, string>; state?: Record<string, unknown> }>;
  /** Text of the refusal (default: the 403 page's "Forbidden"). */
  refusal?: RegExp;
  /** Rows where both outcomes answer 2xx/3xx: what must hold, allowed or not. */
  effect?(ctx: Ctx, res: Sent, allowed: boolean, state: Record<string, unknown>): Promise<void>;
}

const staffTarget = async ({ t, business }: Ctx) => (await t.createUser(business.tenantId, 'staff')).id;
const token = () => `matrix-${randomBytes(8).toString('hex')}`;
const productForm = (p: { sku: string }, ctx: Ctx, fields: Record<string, string>) => ({
  sku: p.sku,
  name: `Product ${p.sku}`,
  unitId: String(ctx.unitId),
  price: '94.50',
  cost: '40.00',
  reorderLevel: '0',
  active: 'on',
  ...fields,
});
const stored = (ctx: Ctx, id: number) => ctx.t.deps.db.prisma.product.findUniqueOrThrow({ where: { id } });
const saleOf = async (ctx: Ctx) => {
  const p = await ctx.product();
  return (await ctx.t.deps.sales.confirm(ctx.owner, { token: token(), lines: [{ productId: String(p.id), quantity: '1' }] })).id;
};

/** A fresh walk-in sale of 2 units paid in cash, through the sales service (its product made on the first call). */
const paidSale = async ({ t, business }: Ctx) => {
  const prisma = t.deps.db.prisma;
  const { tenantId } = business;
  const unit =
    (await prisma.unit.findFirst({ where: { tenantId, code: 'rm' } })) ??
    (await prisma.unit.create({ data: { tenantId, code: 'rm', name: 'Role matrix unit' } }));
  const product =
    (await prisma.product.findFirst({ where: { tenantId, sku: 'RM-1' } })) ??
    (await prisma.product.create({
      data: { tenantId, sku: 'RM-1', name: 'Role matrix thing', unitId: unit.id, price: 5, quantityOnHand: 1000 },
    }));
  const actor = { tenantId, userId: business.owner.id, role: 'owner' as const, db: t.deps.tenantDb(tenantId) };
  return (await t.deps.sales.confirm(actor, { token: randomUUID(), payNow: 'cash', lines: [{ productId: product.id, quantity: '2' }] })).id;
};

/** A supplier and a purchase order of one fresh product (10 × 2.00), as a draft or ordered; the supplier owes nothing unless `received`. */
const purchase = async (ctx: Ctx, opts: { ordered?: boolean; received?: boolean } = {}) => {
  const p = ctx.t.deps.purchasing;
  const product = await ctx.product();
  const supplierId = (await p.suppliers.create(ctx.owner, { token: randomUUID(), name: `Supplier ${token()}` })).id;
  const orderId = (
    await p.orders.create(ctx.owner, {
      token: randomUUID(),
      supplierId,
      lines: [{ productId: product.id, quantity: '10', unitCost: '2.00' }],
    })
  ).id;
  if (opts.ordered || opts.received) await p.orders.order(ctx.owner, orderId);
  if (opts.received) await p.receiving.receive(ctx.owner, orderId, { token: randomUUID(), lines: { 1: { quantity: '10' } } });
  return { product, supplierId, orderId };
};

export const roleMatrix: Row[] = [
  { what: 'see the dashboard', permission: null, method: 'GET', request: async () => ({ path: '/' }) },
  { what: 'open own password page', permission: null, method: 'GET', request: async () => ({ path: '/account/password' }) },
  { what: 'open own two-factor page', permission: null, method: 'GET', request: async () => ({ path: '/account/2fa' }) },

  { what: 'list users', permission: 'users.manage', method: 'GET', request: async () => ({ path: '/settings/users' }) },
  {
    what: 'invite a user',
    permission: 'users.manage',
    method: 'POST',
    request: async () => ({ path: '/settings/users', form: { email: `m-${randomBytes(5).toString('hex')}@test.stock`, role: 'staff' } }),
  },
  {
    what: 'invite a user with a bad email (the refusal comes before the form errors)',
    permission: 'users.manage',
    method: 'POST',
    request: async () => ({ path: '/settings/users', form: { email: 'not an email', role: 'staff' } }),
    effect: async (_ctx, res, allowed) => expect(res.status).toBe(allowed ? 422 : 403),
  },
  {
    what: "change a user's role",
    permission: 'users.manage',
    method: 'POST',
    request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/role`, form: { role: 'manager' } }),
  },
  {
    what: 'deactivate a user',
    permission: 'users.manage',
    method: 'POST',
    request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/deactivate` }),
  },
  {
    what: 'reactivate a user',
    permission: 'users.manage',
    method: 'POST',
    request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/activate` }),
  },
  {
    what: 'require two-factor sign-in',
    permission: 'users.manage',
    method: 'POST',
    request: async () => ({ path: '/settings/users/two-factor', form: { require2fa: 'off' } }),
  },

  { what: 'open the cache page', permission: 'cache.manage', method: 'GET', request: async () => ({ path: '/admin/cache' }) },
  {
    what: 'clear a cache module',
    permission: 'cache.manage',
    method: 'POST',
    request: async () => ({ path: '/admin/cache/clear', form: { module: 'products', confirm: 'yes' } }),
  },
  {
    what: 'ask before clearing a cache module',
    permission: 'cache.manage',
    method: 'GET',
    request: async () => ({ path: '/admin/cache/clear?module=products' }),
  },
  { what: 'warm the cache', permission: 'cache.manage', method: 'POST', request: async () => ({ path: '/admin/cache/warm' }) },

  { what: 'open business settings', permission: 'settings.manage', method: 'GET', request: async () => ({ path: '/settings/business' }) },
  {
    what: 'save business settings (staff limits)',
    permission: 'settings.manage',
    method: 'POST',
    request: async (ctx) => ({
      path: '/settings/business',
      form: { name: ctx.business.name, currency: 'USD', timeZone: 'UTC', defaultTaxRate: '0', staffMaxDiscountPct: '0' },
    }),
  },

  {
    what: 'open the payment methods',
    permission: 'settings.manage',
    method: 'GET',
    request: async () => ({ path: '/settings/payment-methods' }),
  },
  {
    what: 'add a payment method',
    permission: 'settings.manage',
    method: 'POST',
    request: async () => ({ path: '/settings/payment-methods', form: { name: `Bizum ${randomBytes(4).toString('hex')}` } }),
  },

  { what: 'open the audit log', permission: 'audit.see', method: 'GET', request: async () => ({ path: '/settings/audit' }) },
  {
    what: 'filter the audit log',
    permission: 'audit.see',
    method: 'GET',
    request: async () => ({ path: '/settings/audit?kind=product_pricing&from=2026-01-01&to=2030-12-31' }),
  },

  { what: 'open the balance page', permission: 'balance.see', method: 'GET', request: async () => ({ path: '/balance' }) },
  {
    what: 'open the balance page with a wrong range',
    permission: 'balance.see',
    method: 'GET',
    request: async () => ({ path: '/balance?from=2026-13-01' }),
    effect: async (_ctx, res, allowed) => expect(res.status).toBe(allowed ? 422 : 403),
  },
  { what: 'download the balance CSV', permission: 'balance.see', method: 'GET', request: async () => ({ path: '/balance.csv' }) },
  {
    what: "open a balance bucket's detail",
    permission: 'balance.see',
    method: 'GET',
    request: async () => ({ path: '/balance/detail?from=2026-01-01&to=2026-01-31' }),
  },
  { what: 'open the profit and stock value page', permission: 'profit.see', method: 'GET', request: async () => ({ path: '/profit' }) },
  {
    what: 'open the profit page with a stock day in the future',
    permission: 'profit.see',
    method: 'GET',
    request: async () => ({ path: '/profit?asOf=2999-01-01' }),
    effect: async (_ctx, res, allowed) => expect(res.status).toBe(allowed ? 422 : 403),
  },
  { what: 'download the profit CSV', permission: 'profit.see', method: 'GET', request: async () => ({ path: '/profit.csv' }) },
  {
    what: 'download the stock value CSV (costs)',
    permission: 'profit.see',
    method: 'GET',
    request: async () => ({ path: '/profit/stock-value.csv' }),
  },
  {
    what: 'see the profit link in the menu',
    permission: 'profit.see',
    method: 'GET',
    request: async () => ({ path: '/' }),
    effect: async (_ctx, res, allowed) => {
      expect(res.status).toBe(200);
      expect(res.html.includes('href="/profit"')).toBe(allowed);
    },
  },
  {
    what: "see the business's month on the dashboard",
    permission: 'balance.see',
    method: 'GET',
    request: async () => ({ path: '/' }),
    effect: async (_ctx, res, allowed) => {
      expect(res.status).toBe(200);
      expect(res.html.includes('data-month-sales')).toBe(allowed);
      expect(res.html.includes('data-open-balance')).toBe(allowed);
      expect(res.html.includes('data-own-sales-total')).toBe(!allowed);
    },
  },

  {
    what: 'see the cost on the product page',
    permission: 'cost.see',
    method: 'GET',
    request: async (ctx) => ({ path: `/catalog/products/${(await ctx.product({ cost: '41.37' })).id}` }),
    effect: async (_ctx, res, allowed) => {
      expect(res.status).toBe(200);
      expect(res.html.includes('41.37')).toBe(allowed);
    },
  },
  {
    what: 'see the cost in the edit form',
    permission: 'cost.see',
    method: 'GET',
    request: async (ctx) => ({ path: `/catalog/products/${(await ctx.product({ cost: '41.37' })).id}/edit` }),
    effect: async (_ctx, res, allowed) => {
      expect(res.status).toBe(200);
      expect(res.html.includes('41.37')).toBe(allowed);
    },
  },
  {
    what: 'see the cost column of the product export',
    permission: 'cost.see',
    method: 'GET',
    request: async (ctx) => {
      const p = await ctx.product({ cost: '41.37' });
      return { path: `/catalog/products/export.csv?q=${p.sku}` };
    },
    effect: async (_ctx, res, allowed) => {
      expect(res.status).toBe(200);
      const [header, row] = res.html.trim().split('\n');
      expect(header!.split(',').includes('cost')).toBe(allowed);
      expect(row!.includes('41.37')).toBe(allowed);
    },
  },

  {
    what: 'change a price (94.50 → 9.99)',
    permission: 'catalog.editPrice',
    method: 'POST',
    refusal: /Only managers and owners can change the price/,
    request: async (ctx) => {
      const p = await ctx.product();
      return { path: `/catalog/products/${p.id}`, form: productForm(p, ctx, { price: '9.99' }), state: { id: p.id } };
    },
    effect: async (ctx, _res, allowed, state) =>
      expect((await stored(ctx, state.id as number)).price.toFixed(2)).toBe(allowed ? '9.99' : '94.50'),
  },
  {
    what: 'edit a product without sending the price or cost (kept as stored)',
    permission: null,
    method: 'POST',
    request: async (ctx) => {
      const p = await ctx.product();
      const { price: _p, cost: _c, ...form } = productForm(p, ctx, { name: 'Renamed' });
      return { path: `/catalog/products/${p.id}`, form, state: { id: p.id } };
    },
    effect: async (ctx, res, _allowed, state) => {
      const row = await stored(ctx, state.id as number);
      // Who may change the price must send one; who may not keeps the stored one.
      if (res.status === 303) expect([row.name, row.price.toFixed(2), row.cost.toFixed(2)]).toEqual(['Renamed', '94.50', '40.00']);
      else expect(row.name).not.toBe('Renamed');
    },
  },
  {
    what: 'change a cost',
    permission: 'catalog.editCost',
    method: 'POST',
    refusal: /Only managers and owners can change the cost/,
    request: async (ctx) => {
      const p = await ctx.product();
      return { path: `/catalog/products/${p.id}`, form: productForm(p, ctx, { cost: '1.00' }), state: { id: p.id } };
    },
    effect: async (ctx, _res, allowed, state) =>
      expect((await stored(ctx, state.id as number)).cost.toFixed(2)).toBe(allowed ? '1.00' : '40.00'),
  },
  {
    what: 'give a new product a cost',
    permission: 'catalog.editCost',
    method: 'POST',
    refusal: /Only managers and owners can change the cost/,
    request: async (ctx) => ({
      path: '/catalog/products',
      form: { sku: `N-${randomBytes(4).toString('hex')}`, name: 'New', unitId: String(ctx.unitId), price: '5.00', cost: '2.00' },
    }),
  },
  {
    what: 'delete a product',
    permission: 'catalog.deactivate',
    method: 'POST',
    request: async (ctx) => ({ path: `/catalog/products/${(await ctx.product()).id}/delete` }),
  },
  {
    what: 'deactivate a product by leaving out the active field',
    permission: 'catalog.deactivate',
    method: 'POST',
    request: async (ctx) => {
      const p = await ctx.product();
      const { active: _a, ...form } = productForm(p, ctx, {});
      return { path: `/catalog/products/${p.id}`, form, state: { id: p.id } };
    },
    effect: async (ctx, res, allowed, state) => {
      expect(res.status).toBe(303);
      expect((await stored(ctx, state.id as number)).active).toBe(!allowed);
    },
  },
  {
    what: 'delete a unit',
    permission: 'catalog.delete',
    method: 'POST',
    request: async (ctx) => {
      const unit = await ctx.t.deps.settings.uoms.create(ctx.owner, { code: `u${randomBytes(3).toString('hex')}`, name: 'Spare unit' });
      return { path: `/settings/uoms/${unit.id}/delete` };
    },
  },
  {
    what: 'delete a category',
    permission: 'catalog.delete',
    method: 'POST',
    request: async (ctx) => {
      const category = await ctx.t.deps.settings.categories.create(ctx.owner, {
        name: `Spare ${randomBytes(3).toString('hex')}`,
        parentId: '',
      });
      return { path: `/settings/categories/${category.id}/delete` };
    },
  },

  {
    what: 'open the import page',
    permission: 'catalog.import',
    method: 'GET',
    request: async () => ({ path: '/catalog/products/import' }),
  },
  {
    what: 'preview an import',
    permission: 'catalog.import',
    method: 'POST',
    request: async () => ({
      path: '/catalog/products/import',
      form: { action: 'preview', csv: `sku,name,unit,price\nI-${randomBytes(3).toString('hex')},Imported,unit,1.00\n` },
    }),
  },
  {
    what: 'import products',
    permission: 'catalog.import',
    method: 'POST',
    request: async () => ({
      path: '/catalog/products/import',
      form: { action: 'import', csv: `sku,name,unit,price\nI-${randomBytes(3).toString('hex')},Imported,unit,1.00\n` },
    }),
  },

  {
    what: 'write off stock with a correction',
    permission: 'stock.correct',
    method: 'POST',
    refusal: /Only managers and owners can correct stock/,
    request: async (ctx) => {
      const p = await ctx.product();
      return {
        path: `/catalog/products/${p.id}/stock`,
        form: { kind: 'adjustment', quantity: '-3', reason: 'Broken' },
        state: { id: p.id },
      };
    },
    effect: async (ctx, _res, allowed, state) =>
      expect((await stored(ctx, state.id as number)).quantityOnHand.toString()).toBe(allowed ? '7' : '10'),
  },
  {
    what: 'record goods received',
    permission: 'stock.receive',
    method: 'POST',
    request: async (ctx) => ({ path: `/catalog/products/${(await ctx.product()).id}/stock`, form: { kind: 'receipt', quantity: '2' } }),
  },

  {
    what: 'cancel a sale',
    permission: 'sale.cancel',
    method: 'POST',
    request: async (ctx) => ({ path: `/sales/${await saleOf(ctx)}/cancel` }),
  },
  {
    what: 'sell at 0.01 a unit',
    permission: 'sale.overridePrice',
    method: 'POST',
    refusal: /Only a manager or owner can change the price/,
    request: async (ctx) => {
      const p = await ctx.product();
      return {
        path: '/sales',
        form: { token: token(), 'lines[0][productId]': String(p.id), 'lines[0][quantity]': '2', 'lines[0][unitPrice]': '0.01' },
        state: { id: p.id },
      };
    },
    effect: async (ctx, _res, allowed, state) =>
      expect((await stored(ctx, state.id as number)).quantityOnHand.toString()).toBe(allowed ? '8' : '10'),
  },
  {
    what: 'give a discount above the staff limit',
    permission: 'sale.discountAboveLimit',
    method: 'POST',
    refusal: /Only a manager or owner can give a discount/,
    request: async (ctx) => {
      const p = await ctx.product();
      return {
        path: '/sales',
        form: { token: token(), 'lines[0][productId]': String(p.id), 'lines[0][quantity]': '1', 'lines[0][discountPct]': '50' },
      };
    },
  },

  {
    what: "preview a sale (the sale form's totals)",
    permission: null,
    method: 'POST',
    request: async () => ({ path: '/sales/preview', form: { 'lines[0][quantity]': '' } }),
  },
  { what: 'open the label form', permission: null, method: 'GET', request: async () => ({ path: '/catalog/labels' }) },
  {
    what: "save business settings (the seller's details)",
    permission: 'settings.manage',
    method: 'POST',
    request: async ({ business }) => ({
      path: '/settings/business',
      form: {
        name: business.name,
        currency: 'USD',
        timeZone: 'UTC',
        defaultTaxRate: '0',
        legalName: `${business.name} Ltd`,
        address: '1 Main Street',
        taxId: 'TAX-1',
        phone: '',
        email: '',
        receiptFormat: 'a4',
      },
    }),
  },

  {
    what: 'open the return form of a sale',
    permission: 'sale.return',
    method: 'GET',
    request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/returns/new` }),
  },
  {
    what: 'take a return and refund it',
    permission: 'sale.return',
    method: 'POST',
    request: async (ctx) => ({
      path: `/sales/${await paidSale(ctx)}/returns`,
      form: { token: randomUUID(), 'lines[1][quantity]': '1', settlement: 'cash' },
    }),
  },
  {
    what: 'open the cancel confirmation of a sale',
    permission: 'sale.cancel',
    method: 'GET',
    request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/cancel` }),
  },
  {
    what: 'cancel a sale and refund its payment',
    permission: 'sale.cancel',
    method: 'POST',
    request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/cancel`, form: { settlement: 'cash' } }),
  },

  { what: 'open own till', permission: 'till.close', method: 'GET', request: async () => ({ path: '/till' }) },
  {
    what: 'close own till',
    permission: 'till.close',
    method: 'POST',
    request: async () => ({ path: '/till/close', form: { token: randomUUID(), counted: '0' } }),
  },
  { what: 'see the till close history', permission: 'till.close', method: 'GET', request: async () => ({ path: '/till/closes' }) },
  {
    what: "open another user's till close",
    permission: 'till.seeAll',
    method: 'GET',
    request: async (ctx) => ({ path: (await ctx.t.deps.till.close(ctx.owner, { token: randomUUID(), counted: '0' })).url }),
    // Staff see only their own closes: another user's is not found, as another business's would be.
    effect: async (_ctx, res, allowed) => expect(res.status).toBe(allowed ? 200 : 404),
  },

  { what: 'list suppliers', permission: 'purchase.order', method: 'GET', request: async () => ({ path: '/purchasing/suppliers' }) },
  {
    what: 'add a supplier',
    permission: 'purchase.order',
    method: 'POST',
    request: async () => ({ path: '/purchasing/suppliers', form: { token: randomUUID(), name: `Supplier ${token()}` } }),
  },
  {
    what: 'preview a supplier import',
    permission: 'purchase.order',
    method: 'POST',
    request: async () => ({ path: '/purchasing/suppliers/import', form: { action: 'preview', csv: `name\nImported ${token()}\n` } }),
  },
  {
    what: 'export suppliers',
    permission: 'purchase.order',
    method: 'GET',
    request: async () => ({ path: '/purchasing/suppliers/export.csv' }),
  },
  {
    what: "set a product's preferred supplier and last cost",
    permission: 'purchase.order',
    method: 'POST',
    request: async (ctx) => {
      const { product, supplierId } = await purchase(ctx);
      return {
        path: `/purchasing/products/${product.id}/buying`,
        form: { preferredSupplierId: String(supplierId), lastCost: '1.50' },
        state: { id: product.id },
      };
    },
    effect: async (ctx, res, allowed, state) => {
      expect(res.status).toBe(allowed ? 303 : 403);
      expect((await stored(ctx, state.id as number)).lastCost?.toFixed(2) ?? null).toBe(allowed ? '1.50' : null);
    },
  },
  {
    what: 'open the new purchase order form',
    permission: 'purchase.order',
    method: 'GET',
    request: async () => ({ path: '/purchasing/orders/new' }),
  },
  {
    what: 'save a draft purchase order',
    permission: 'purchase.order',
    method: 'POST',
    request: async (ctx) => {
      const { product, supplierId } = await purchase(ctx);
      return {
        path: '/purchasing/orders',
        form: {
          token: randomUUID(),
          supplierId: String(supplierId),
          'lines[0][product]': product.sku,
          'lines[0][quantity]': '3',
          'lines[0][unitCost]': '1.00',
        },
      };
    },
  },
  {
    what: 'mark a draft purchase order as ordered',
    permission: 'purchase.order',
    method: 'POST',
    request: async (ctx) => ({ path: `/purchasing/orders/${(await purchase(ctx)).orderId}/order` }),
  },
  {
    what: 'cancel a purchase order',
    permission: 'purchase.order',
    method: 'POST',
    request: async (ctx) => ({ path: `/purchasing/orders/${(await purchase(ctx, { ordered: true })).orderId}/cancel` }),
  },
  {
    what: 'print a purchase order',
    permission: 'purchase.order',
    method: 'GET',
    request: async (ctx) => ({ path: `/purchasing/orders/${(await purchase(ctx)).orderId}/print` }),
  },
  {
    what: 'download a purchase order as PDF',
    permission: 'purchase.order',
    method: 'GET',
    request: async (ctx) => ({ path: `/purchasing/orders/${(await purchase(ctx)).orderId}/order.pdf` }),
  },
  { what: 'open the reorder list', permission: 'purchase.order', method: 'GET', request: async () => ({ path: '/purchasing/reorder' }) },
  {
    what: 'make draft orders from the reorder list',
    permission: 'purchase.order',
    method: 'POST',
    // Nothing qualifies here, so who may is told so (422); who may not is refused first (403).
    request: async (ctx) => ({ path: '/purchasing/reorder', form: { token: randomUUID(), [`items[${(await ctx.product()).id}]`]: '1' } }),
    effect: async (_ctx, res, allowed) => expect(res.status).toBe(allowed ? 422 : 403),
  },
  { what: 'list purchase orders', permission: 'purchase.receive', method: 'GET', request: async () => ({ path: '/purchasing/orders' }) },
  {
    what: 'open the receiving page of an order',
    permission: 'purchase.receive',
    method: 'GET',
    request: async (ctx) => ({ path: `/purchasing/orders/${(await purchase(ctx, { ordered: true })).orderId}/receive` }),
  },
  {
    what: 'receive goods at the order cost',
    permission: 'purchase.receive',
    method: 'POST',
    request: async (ctx) => ({
      path: `/purchasing/orders/${(await purchase(ctx, { ordered: true })).orderId}/receive`,
      form: { token: randomUUID(), 'lines[1][quantity]': '4' },
    }),
  },
  {
    what: 'receive goods at another unit cost',
    permission: 'purchase.order',
    method: 'POST',
    refusal: /Only managers and owners can receive at another unit cost/,
    request: async (ctx) => {
      const { orderId, product } = await purchase(ctx, { ordered: true });
      return {
        path: `/purchasing/orders/${orderId}/receive`,
        form: { token: randomUUID(), 'lines[1][quantity]': '4', 'lines[1][unitCost]': '2.50' },
        state: { id: product.id },
      };
    },
    effect: async (ctx, res, allowed, state) => {
      expect(res.status).toBe(allowed ? 303 : 403);
      expect((await stored(ctx, state.id as number)).quantityOnHand.toString()).toBe(allowed ? '14' : '10');
    },
  },
  {
    what: 'pay a supplier',
    permission: 'purchase.pay',
    method: 'POST',
    request: async (ctx) => ({
      path: '/purchasing/payments',
      form: {
        token: randomUUID(),
        supplierId: String((await purchase(ctx, { received: true })).supplierId),
        amount: '5.00',
        method: 'transfer',
      },
    }),
  },
  {
    what: 'list payments to suppliers',
    permission: 'purchase.pay',
    method: 'GET',
    request: async () => ({ path: '/purchasing/payments' }),
  },
  {
    what: "read a supplier's statement",
    permission: 'purchase.pay',
    method: 'GET',
    request: async (ctx) => ({ path: `/purchasing/suppliers/${(await purchase(ctx, { received: true })).supplierId}/statement` }),
  },
];

/** Actions without an HTTP route yet; the feature that adds the route adds its row. */
const notYetRouted: Action[] = [];
const roles: RoleName[] = ['owner', 'manager', 'staff'];

describe('role matrix', () => {
  const ctx = {} as Ctx;
  const clients = new Map<RoleName, TestClient>();

  beforeAll(async () => {
    const t = await startTestApp({ driver: 'pglite', redis: true });
    const business = await t.createTenantWithOwner();
    const owner: Scope = { tenantId: business.tenantId, userId: business.owner.id, role: 'owner', db: t.deps.tenantDb(business.tenantId) };
    const unit = await t.deps.settings.uoms.create(owner, { code: 'unit', name: 'Unit' });
    Object.assign(ctx, {
      t,
      business,
      owner,
      unitId: unit.id,
      async product(fields: { price?: string; cost?: string } = {}) {
        const sku = `M-${randomBytes(4).toString('hex')}`;
        const { id } = await t.deps.catalog.products.create(owner, {
          sku,
          name: `Product ${sku}`,
          unitId: String(unit.id),
          price: fields.price ?? '94.50',
          cost: fields.cost ?? '40.00',
          openingStock: '10',
        });
        return { id, sku };
      },
    });
    clients.set('owner', await t.signIn(business.owner.email, business.owner.password));
    for (const role of ['manager', 'staff'] as const) {
      const user = await t.createUser(business.tenantId, role);
      clients.set(role, await t.signIn(user.email, user.password));
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await ctx.t?.close();
  });

  it('has a row for every action of the permission table', () => {
    const covered = new Set(roleMatrix.map((r) => r.permission));
    expect(actions.filter((a) => !covered.has(a) && !notYetRouted.includes(a))).toEqual([]);
  });

  const cases = roleMatrix.flatMap((row) =>
    roles.map((role) => ({ ...row, role, allowed: row.permission === null || can({ role }, row.permission) })),
  );

  it.each(cases)('$role: $what → $allowed', async ({ role, method, request, allowed, refusal, effect }) => {
    const client = clients.get(role)!;
    const { path, form, state } = await request(ctx);
    const res = method === 'GET' ? await client.get(path) : await client.post(path, form ?? {});
    if (effect) {
      expect(res.location ?? '').not.toMatch(/^\/login/);
      await effect(ctx, res, allowed, state ?? {});
      if (refusal && !allowed) expect(res.html).toMatch(refusal);
      return;
    }
    if (allowed) {
      expect(res.status, `${role} ${method} ${path}`).toBeLessThan(400);
      expect(res.location ?? '').not.toMatch(/^\/login/);
    } else {
      expect(res.status, `${role} ${method} ${path}`).toBe(403);
      expect(res.html).toMatch(refusal ?? /Forbidden/);
    }
  });
});
