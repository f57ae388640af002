import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/audit/audit.service.ts';
import type { Scope } from '../../src/db/scope.ts';
import { ConflictError, ForbiddenError } from '../../src/db/errors.ts';
import type { AuditKind } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );

describe('audit log', () => {
  let t: TestApp;
  let business: TestTenant;
  let owner: Scope;
  let manager: Scope;
  let staff: Scope;
  let other: { business: TestTenant; owner: Scope };
  let unitId: number;

  const actorOf = (b: TestTenant, userId: number, role: Scope['role']): Scope => ({
    tenantId: b.tenantId,
    userId,
    role,
    db: t.deps.tenantDb(b.tenantId),
  });
  const entries = (kind?: AuditKind) =>
    t.deps.db.prisma.auditEntry.findMany({ where: { tenantId: business.tenantId, ...(kind ? { kind } : {}) }, orderBy: { id: 'asc' } });
  const last = async (kind: AuditKind) => (await entries(kind)).at(-1)!;
  const product = async (price = '94.50', cost = '40.00') => {
    const sku = `A-${randomBytes(4).toString('hex')}`;
    const form = { sku, name: `Product ${sku}`, unitId: String(unitId), price, cost, openingStock: '10' };
    const { id } = await t.deps.catalog.products.create(owner, form);
    return { id, sku, form: { ...form, openingStock: undefined, active: 'on' } };
  };

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: true });
    business = await t.createTenantWithOwner();
    owner = actorOf(business, business.owner.id, 'owner');
    manager = actorOf(business, (await t.createUser(business.tenantId, 'manager')).id, 'manager');
    staff = actorOf(business, (await t.createUser(business.tenantId, 'staff')).id, 'staff');
    const otherBusiness = await t.createTenantWithOwner();
    other = { business: otherBusiness, owner: actorOf(otherBusiness, otherBusiness.owner.id, 'owner') };
    unitId = (await t.deps.settings.uoms.create(owner, { code: 'unit', name: 'Unit' })).id;
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  describe('what is written', () => {
    it("a manager's price and cost change: who, the product, before and after", async () => {
      const p = await product();
      await t.deps.catalog.products.update(manager, p.id, { ...p.form, price: '9.99', cost: '5.00' });
      const e = await last('product_pricing');
      expect([e.userId, e.subject, e.before, e.after]).toEqual([
        manager.userId,
        `Product ${p.sku}`,
        { price: '94.50', cost: '40.00' },
        { price: '9.99', cost: '5.00' },
      ]);
    });

    it('an edit that changes neither price nor cost writes no pricing entry', async () => {
      const p = await product();
      const before = (await entries('product_pricing')).length;
      await t.deps.catalog.products.update(manager, p.id, { ...p.form, name: 'Only the name', price: '94.5' });
      expect((await entries('product_pricing')).length).toBe(before);
    });

    it('deleting a product and making it active again', async () => {
      const p = await product();
      await t.deps.catalog.products.deactivate(manager, p.id);
      expect((await last('product_active')).after).toEqual({ active: false });
      await t.deps.catalog.products.update(owner, p.id, p.form);
      const e = await last('product_active');
      expect([e.userId, e.before, e.after]).toEqual([owner.userId, { active: false }, { active: true }]);
    });

    it('a stock correction: quantity before and after, the change and the reason; a receipt writes none', async () => {
      const p = await product();
      const before = (await entries('stock_correction')).length;
      await t.deps.catalog.stock.adjust(staff, p.id, { kind: 'receipt', quantity: '5' });
      expect((await entries('stock_correction')).length).toBe(before);
      await t.deps.catalog.stock.adjust(manager, p.id, { kind: 'adjustment', quantity: '-3', reason: 'Broken in transit' });
      const e = await last('stock_correction');
      expect([e.userId, e.before, e.after]).toEqual([
        manager.userId,
        { quantityOnHand: '15' },
        { quantityOnHand: '12', change: '-3', reason: 'Broken in transit' },
      ]);
    });

    it('an import: how many rows, and every price it changed', async () => {
      const p = await product('10.00', '4.00');
      const csv = `sku,name,unit,price,cost\n${p.sku},Same,unit,12.00,4.00\nNEW-${randomBytes(3).toString('hex')},New,unit,1.00,0.50\n`;
      expect((await t.deps.catalog.productImport.import(manager, csv)).written).toBe(true);
      const e = await last('product_import');
      expect([e.userId, e.subject, e.before, e.after]).toEqual([
        manager.userId,
        '2 products from CSV',
        { prices: [{ sku: p.sku, price: '10.00' }] },
        { created: 1, updated: 1, prices: [{ sku: p.sku, price: '12.00' }] },
      ]);
    });

    it('users: an invitation, a role change, a deactivation and reactivation, the two-factor requirement', async () => {
      const email = `audited-${randomBytes(4).toString('hex')}@test.stock`;
      const invited = await t.deps.userAdmin.invite(owner, { email, name: '', role: 'staff' }, 'http://stock.test');
      expect((await last('user_invited')).after).toEqual({ email, role: 'staff' });
      await t.deps.userAdmin.changeRole(owner, invited.id, 'manager');
      expect([(await last('user_role')).before, (await last('user_role')).after]).toEqual([{ role: 'staff' }, { role: 'manager' }]);
      await t.deps.userAdmin.setActive(owner, invited.id, false);
      await t.deps.userAdmin.setActive(owner, invited.id, true);
      expect((await entries('user_active')).slice(-2).map((e) => [e.subject, e.before, e.after])).toEqual([
        [`User ${email}`, { active: true }, { active: false }],
        [`User ${email}`, { active: false }, { active: true }],
      ]);
      await t.deps.userAdmin.setRequire2fa(owner, true);
      await t.deps.userAdmin.setRequire2fa(owner, false);
      expect((await entries('two_factor_policy')).slice(-2).map((e) => e.after)).toEqual([{ require2fa: true }, { require2fa: false }]);
    });

    it('business settings: only the fields that changed, before and after', async () => {
      const current = await t.deps.settings.business.get(owner);
      await t.deps.settings.business.update(owner, {
        name: current.name,
        currency: current.currency,
        timeZone: current.timeZone,
        defaultTaxRate: '0',
        staffMaxDiscountPct: '7.5',
        staffMayOverridePrice: 'on',
      });
      const e = await last('business_settings');
      expect([e.userId, e.before, e.after]).toEqual([
        owner.userId,
        { staffMaxDiscountPct: '0.00', staffMayOverridePrice: false },
        { staffMaxDiscountPct: '7.50', staffMayOverridePrice: true },
      ]);
      await t.deps.settings.business.update(owner, {
        name: current.name,
        currency: current.currency,
        timeZone: current.timeZone,
        defaultTaxRate: '0',
        staffMaxDiscountPct: '0',
        staffMayOverridePrice: '',
      });
    });

    it('a cancelled sale: its number and total', async () => {
      const p = await product('20.00');
      const sale = await t.deps.sales.confirm(staff, {
        token: `audit-${randomBytes(8).toString('hex')}`,
        lines: [{ productId: String(p.id), quantity: '2' }],
      });
      const { number } = await t.deps.sales.cancel(manager, sale.id);
      const e = await last('sale_cancelled');
      expect([e.userId, e.subject, e.before, e.after]).toEqual([
        manager.userId,
        `Sale #${number}`,
        { status: 'confirmed', total: '40.00' },
        { status: 'cancelled' },
      ]);
    });
  });

  describe('in the same transaction as the change', () => {
    it('a refused change writes no entry: a staff price change, a correction below zero, a role change that would leave no owner', async () => {
      const p = await product();
      const before = await entries();
      await fail(t.deps.catalog.products.update(staff, p.id, { ...p.form, price: '9.99' }));
      await fail(t.deps.catalog.stock.adjust(manager, p.id, { kind: 'adjustment', quantity: '-1000', reason: 'Too much' }));
      expect(await fail(t.deps.userAdmin.changeRole(owner, owner.userId, 'staff'))).toBeInstanceOf(ConflictError);
      expect(await entries()).toEqual(before);
    });

    it('a change whose entry cannot be written is not made either (the entry names a user of another business)', async () => {
      const p = await product();
      // A forged context: the composite foreign key refuses the entry, and with it the price change.
      const forged = { ...manager, userId: other.owner.userId };
      await expect(t.deps.catalog.products.update(forged, p.id, { ...p.form, price: '1.00' })).rejects.toThrow();
      expect((await t.deps.db.prisma.product.findUniqueOrThrow({ where: { id: p.id } })).price.toFixed(2)).toBe('94.50');
      await expect(t.deps.catalog.stock.adjust(forged, p.id, { kind: 'adjustment', quantity: '-1', reason: 'x' })).rejects.toThrow();
      expect((await t.deps.db.prisma.product.findUniqueOrThrow({ where: { id: p.id } })).quantityOnHand.toString()).toBe('10');
    });
  });

  describe('append-only', () => {
    it('the database refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
      const prisma = t.deps.db.prisma;
      await expect(
        prisma.$executeRawUnsafe(`UPDATE audit_entries SET subject = 'rewritten' WHERE tenant_id = ${business.tenantId}`),
      ).rejects.toThrow(/append-only/);
      await expect(prisma.$executeRawUnsafe(`DELETE FROM audit_entries WHERE tenant_id = ${business.tenantId}`)).rejects.toThrow(
        /append-only/,
      );
      await expect(prisma.$executeRawUnsafe('TRUNCATE audit_entries')).rejects.toThrow(/append-only/);
      await expect(owner.db.auditEntry.deleteMany({})).rejects.toThrow(/append-only/);
      expect((await entries()).some((e) => e.subject === 'rewritten')).toBe(false);
    });

    it('the audit service only reads', () => {
      expect(Object.getOwnPropertyNames(AuditService.prototype).sort()).toEqual(['constructor', 'list']);
    });
  });

  describe("the owners' page", () => {
    const timeZone = 'UTC';
    it('is refused to managers and staff by the service', async () => {
      expect(await fail(t.deps.audit.list(manager, {}, timeZone))).toBeInstanceOf(ForbiddenError);
      expect(await fail(t.deps.audit.list(staff, {}, timeZone))).toBeInstanceOf(ForbiddenError);
    });

    it("shows only this business's entries", async () => {
      const mine = await t.deps.audit.list(owner, {}, timeZone);
      expect(mine.total).toBeGreaterThan(0);
      const theirs = await t.deps.audit.list(other.owner, {}, timeZone);
      expect(theirs.total).toBe(0);
      expect(theirs.users.map((u) => u.id)).toEqual([other.owner.userId]);
    });

    it('filters by who, by kind and by day range (in the business zone), newest first', async () => {
      const prisma = t.deps.db.prisma;
      // Entries from earlier days, written as the app would have then (an insert is allowed).
      for (const [day, userId] of [
        ['2026-01-10', staff.userId],
        ['2026-02-10', manager.userId],
        ['2026-02-11', manager.userId],
      ] as const) {
        await prisma.auditEntry.create({
          data: {
            tenantId: business.tenantId,
            userId,
            kind: 'stock_correction',
            subject: `Old ${day}`,
            createdAt: new Date(`${day}T12:00:00Z`),
          },
        });
      }
      const page = (q: Record<string, string>) => t.deps.audit.list(owner, q, timeZone);
      expect((await page({ from: '2026-02-01', to: '2026-02-28' })).rows.map((r) => r.subject)).toEqual([
        'Old 2026-02-11',
        'Old 2026-02-10',
      ]);
      expect((await page({ user: String(staff.userId), kind: 'stock_correction', to: '2026-01-31' })).rows.map((r) => r.subject)).toEqual([
        'Old 2026-01-10',
      ]);
      const pricing = await page({ kind: 'product_pricing' });
      expect(pricing.rows.length).toBeGreaterThan(0);
      expect(pricing.rows.every((r) => r.kind === 'product_pricing')).toBe(true);
      const byManager = await page({ user: String(manager.userId) });
      expect(byManager.rows.every((r) => r.user?.id === manager.userId)).toBe(true);
    });

    it('drops a bad filter with a message and keeps the others', async () => {
      const result = await t.deps.audit.list(owner, { kind: 'nonsense', from: '2026-02-30', user: String(manager.userId) }, timeZone);
      expect(Object.keys(result.errors).sort()).toEqual(['from', 'kind']);
      expect(result.query.user).toBe(manager.userId);
      const reversed = await t.deps.audit.list(owner, { from: '2026-03-01', to: '2026-02-01' }, timeZone);
      expect(reversed.errors.to).toMatch(/on or after From/);
    });

    it('is paged, 50 a page', async () => {
      for (let i = 0; i < 40; i++) await t.deps.userAdmin.setRequire2fa(owner, i % 2 === 0);
      const first = await t.deps.audit.list(owner, { kind: 'two_factor_policy' }, timeZone);
      expect(first.total).toBeGreaterThanOrEqual(40);
      const all = await t.deps.audit.list(owner, {}, timeZone);
      expect(all.pages).toBe(Math.ceil(all.total / 50));
      expect(all.rows).toHaveLength(50);
      const second = await t.deps.audit.list(owner, { page: '2' }, timeZone);
      expect(second.rows[0]!.id).toBeLessThan(all.rows.at(-1)!.id);
      await t.deps.userAdmin.setRequire2fa(owner, false);
    });

    it('through HTTP: the filters as chosen, a wrong filter marked on its field; a page for owners only', async () => {
      // Signed in here: a connection kept idle since the start may have been closed by the server.
      const ownerClient = await t.signIn(business.owner.email, business.owner.password);
      const p = await product();
      await t.deps.catalog.products.update(owner, p.id, { ...p.form, price: '3.00' });
      const res = await ownerClient.get(`/settings/audit?kind=product_pricing&user=${owner.userId}`);
      expect(res.status).toBe(200);
      expect(res.html).toContain(`Product ${p.sku}`);
      expect(res.html).toMatch(/<option value="product_pricing" selected>/);
      expect(res.html).toContain('94.50');
      const bad = await ownerClient.get('/settings/audit?from=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.html).toMatch(/<p class="field-error" id="f-from-error">From must be a date/);
      const staffUser = await t.createUser(business.tenantId, 'staff');
      const staffClient = await t.signIn(staffUser.email, staffUser.password);
      expect((await staffClient.get('/settings/audit')).status).toBe(403);
    });
  });
});
