import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleName } from '../../src/auth/users.schema.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

// Each role × each protected action. Later issues add their routes as rows:
// `minRole` is the lowest role allowed; lower roles must get the 403 page.

interface Ctx {
  t: TestApp;
  business: TestTenant;
}
interface Row {
  action: string;
  method: 'GET' | 'POST';
  minRole: RoleName;
  /** Path and form, built fresh per call (targets are created as needed). */
  request(ctx: Ctx): Promise<{ path: string; form?: Record<string, string> }>;
}

const staffTarget = async ({ t, business }: Ctx) => (await t.createUser(business.tenantId, 'staff')).id;

/** A fresh walk-in sale of 2 units paid in cash, through the sales service (its product made on the first call). */
const paidSale = async ({ t, business }: Ctx) => {
  const prisma = t.deps.db.prisma;
  const { tenantId } = business;
  const unit = (await prisma.unit.findFirst({ where: { tenantId, code: 'rm' } })) ?? (await prisma.unit.create({ data: { tenantId, code: 'rm', name: 'Role matrix unit' } }));
  const product = (await prisma.product.findFirst({ where: { tenantId, sku: 'RM-1' } })) ?? (await prisma.product.create({ data: { tenantId, sku: 'RM-1', name: 'Role matrix thing', unitId: unit.id, price: 5, quantityOnHand: 1000 } }));
  const actor = { tenantId, userId: business.owner.id, role: 'owner' as const, db: t.deps.tenantDb(tenantId) };
  return (await t.deps.sales.confirm(actor, { token: randomUUID(), payNow: 'cash', lines: [{ productId: product.id, quantity: '2' }] })).id;
};

export const roleMatrix: Row[] = [
  { action: 'see the dashboard', method: 'GET', minRole: 'staff', request: async () => ({ path: '/' }) },
  { action: 'open own password page', method: 'GET', minRole: 'staff', request: async () => ({ path: '/account/password' }) },
  { action: 'open own two-factor page', method: 'GET', minRole: 'staff', request: async () => ({ path: '/account/2fa' }) },
  { action: 'list users', method: 'GET', minRole: 'owner', request: async () => ({ path: '/settings/users' }) },
  { action: 'invite a user', method: 'POST', minRole: 'owner', request: async () => ({ path: '/settings/users', form: { email: `m-${Math.random().toString(36).slice(2)}@test.stock`, role: 'staff' } }) },
  { action: "change a user's role", method: 'POST', minRole: 'owner', request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/role`, form: { role: 'manager' } }) },
  { action: 'deactivate a user', method: 'POST', minRole: 'owner', request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/deactivate` }) },
  { action: 'reactivate a user', method: 'POST', minRole: 'owner', request: async (ctx) => ({ path: `/settings/users/${await staffTarget(ctx)}/activate` }) },
  { action: 'open the cache page', method: 'GET', minRole: 'owner', request: async () => ({ path: '/admin/cache' }) },
  { action: 'clear a cache module', method: 'POST', minRole: 'owner', request: async () => ({ path: '/admin/cache/clear', form: { module: 'products' } }) },
  { action: 'warm the cache', method: 'POST', minRole: 'owner', request: async () => ({ path: '/admin/cache/warm' }) },
  { action: 'open business settings', method: 'GET', minRole: 'owner', request: async () => ({ path: '/settings/business' }) },
  { action: 'preview a sale (the sale form\'s totals)', method: 'POST', minRole: 'staff', request: async () => ({ path: '/sales/preview', form: { 'lines[0][quantity]': '' } }) },
  { action: 'save business settings', method: 'POST', minRole: 'owner', request: async ({ business }) => ({ path: '/settings/business', form: { name: business.name, currency: 'USD', timeZone: 'UTC', defaultTaxRate: '0', legalName: `${business.name} Ltd`, address: '1 Main Street', taxId: 'TAX-1', phone: '', email: '', receiptFormat: 'a4' } }) },
  { action: 'open the label form', method: 'GET', minRole: 'staff', request: async () => ({ path: '/catalog/labels' }) },
  { action: 'require two-factor sign-in', method: 'POST', minRole: 'owner', request: async () => ({ path: '/settings/users/two-factor', form: { require2fa: 'off' } }) },
  { action: 'open the return form of a sale', method: 'GET', minRole: 'manager', request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/returns/new` }) },
  { action: 'take a return and refund it', method: 'POST', minRole: 'manager', request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/returns`, form: { token: randomUUID(), 'lines[1][quantity]': '1', settlement: 'cash' } }) },
  { action: 'open the cancel confirmation of a sale', method: 'GET', minRole: 'manager', request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/cancel` }) },
  { action: 'cancel a sale and refund its payment', method: 'POST', minRole: 'manager', request: async (ctx) => ({ path: `/sales/${await paidSale(ctx)}/cancel`, form: { settlement: 'cash' } }) },
  { action: 'open own till', method: 'GET', minRole: 'staff', request: async () => ({ path: '/till' }) },
  { action: 'close own till', method: 'POST', minRole: 'staff', request: async () => ({ path: '/till/close', form: { token: randomUUID(), counted: '0' } }) },
  { action: 'see the till close history', method: 'GET', minRole: 'staff', request: async () => ({ path: '/till/closes' }) },
];

const rank: Record<RoleName, number> = { staff: 1, manager: 2, owner: 3 };
const roles: RoleName[] = ['owner', 'manager', 'staff'];

describe('role matrix', () => {
  let t: TestApp;
  let business: TestTenant;
  const clients = new Map<RoleName, TestClient>();

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
    clients.set('owner', await t.signIn(business.owner.email, business.owner.password));
    for (const role of ['manager', 'staff'] as const) {
      const user = await t.createUser(business.tenantId, role);
      clients.set(role, await t.signIn(user.email, user.password));
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const cases = roleMatrix.flatMap((row) => roles.map((role) => ({ ...row, role, allowed: rank[role] >= rank[row.minRole] })));

  it.each(cases)('$role: $action → $allowed', async ({ role, method, request, allowed }) => {
    const client = clients.get(role)!;
    const { path, form } = await request({ t, business });
    const res = method === 'GET' ? await client.get(path) : await client.post(path, form ?? {});
    if (allowed) {
      expect(res.status, `${role} ${method} ${path}`).toBeLessThan(400);
      expect(res.location ?? '').not.toMatch(/^\/login/);
    } else {
      expect(res.status, `${role} ${method} ${path}`).toBe(403);
      expect(res.html).toContain('Forbidden');
    }
  });
});
