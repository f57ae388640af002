import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/db/errors.ts';
import { drivers } from '../helpers/database.ts';
import { setUpCatalogTenant } from '../catalog/support.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { localDay } from '../../src/time.ts';

// The business's own payment methods (Bizum, Pix): the owner adds, renames and deactivates
// them; the payment forms offer the active ones, and every page that names a payment's method
// shows the name as typed. Another business's method, or a deactivated one, is refused.

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );

describe.each(drivers)('settings › payment methods on %s', (driver) => {
  const h = setUpCatalogTenant(driver);
  const methods = () => h.services.paymentMethods;

  it('the owner adds, renames and deactivates a method; the list keeps the deactivated one', async () => {
    const bizum = await methods().create(h.ctx, { name: ' Bizum ' });
    expect(bizum).toMatchObject({ name: 'Bizum', active: true });
    await methods().create(h.ctx, { name: 'MB WAY' });
    await methods().rename(h.ctx, bizum.id, { name: 'Bizum (móvil)' });
    await methods().setActive(h.ctx, bizum.id, false);
    expect((await methods().list(h.ctx)).map((m) => [m.name, m.active])).toEqual([
      ['Bizum (móvil)', false],
      ['MB WAY', true],
    ]);
    await methods().setActive(h.ctx, bizum.id, true);
    expect((await methods().get(h.ctx, bizum.id)).active).toBe(true);
  });

  it('a name is unique in the business whatever its case; another business may use it', async () => {
    await methods().create(h.ctx, { name: 'Pix' });
    const before = await h.prisma.businessPaymentMethod.count();
    const error = await fail(methods().create(h.ctx, { name: 'PIX' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).fields.name).toBe('A payment method with this name already exists');
    const mbway = (await methods().list(h.ctx)).find((m) => m.name === 'MB WAY')!;
    await expect(methods().rename(h.ctx, mbway.id, { name: 'pix' })).rejects.toBeInstanceOf(ConflictError);
    expect(await h.prisma.businessPaymentMethod.count()).toBe(before);
    const other = await h.tenant();
    await expect(methods().create(other, { name: 'pix' })).resolves.toMatchObject({ name: 'pix' });
  });

  it('refuses a blank or too long name on its field', async () => {
    for (const [name, message] of [
      ['  ', 'Name is required'],
      ['x'.repeat(41), 'Name must be at most 40 characters'],
    ]) {
      const error = await fail(methods().create(h.ctx, { name }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.name).toBe(message);
    }
  });

  it('another business cannot see, rename or deactivate the method', async () => {
    const own = await methods().create(h.ctx, { name: 'Transferência Pix' });
    const other = await h.tenant();
    await expect(methods().get(other, own.id)).rejects.toThrow('Payment method not found');
    await expect(methods().rename(other, own.id, { name: 'Taken' })).rejects.toThrow('Payment method not found');
    await expect(methods().setActive(other, own.id, false)).rejects.toThrow('Payment method not found');
    expect(await methods().get(h.ctx, own.id)).toMatchObject({ name: 'Transferência Pix', active: true });
    expect((await methods().list(other)).map((m) => m.name)).not.toContain('Transferência Pix');
  });

  it.each(['manager', 'staff'] as const)('%s: refused, called directly; nothing changes', async (role) => {
    const me = await h.userIn(h.ctx, role);
    const own = (await methods().list(h.ctx))[0]!;
    const before = await h.prisma.businessPaymentMethod.count();
    await expect(methods().create(me, { name: 'Cheque' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(methods().rename(me, own.id, { name: 'Cheque' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(methods().setActive(me, own.id, false)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await h.prisma.businessPaymentMethod.count()).toBe(before);
    expect(await methods().get(h.ctx, own.id)).toEqual(own);
  });

  it('the database refuses a payment of a built-in kind that names a method (cash stays cash for the till)', async () => {
    const own = await methods().create(h.ctx, { name: 'Cash app' });
    const customer = await h.prisma.customer.create({ data: { tenantId: h.ctx.tenantId, name: 'Ana' } });
    await expect(
      h.prisma.payment.create({
        data: { tenantId: h.ctx.tenantId, amount: new Prisma.Decimal(1), method: 'cash', customMethodId: own.id, customerId: customer.id },
      }),
    ).rejects.toThrow();
  });
});

const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('payment methods over HTTP', () => {
  let app: TestApp;
  let owner: TestClient;
  let seller: TestClient;
  let outsider: TestClient;
  let tenantId: number;
  let outsiderMethod: number;
  let customerId: number;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const tenant = await app.createTenantWithOwner('Tienda Bizum');
    tenantId = tenant.tenantId;
    owner = await app.signIn(tenant.owner.email, tenant.owner.password);
    const s = await app.createUser(tenantId, 'staff');
    seller = await app.signIn(s.email, s.password);
    const other = await app.createTenantWithOwner('Loja Pix');
    outsider = await app.signIn(other.owner.email, other.owner.password);
    const prisma = app.deps.db.prisma;
    outsiderMethod = (await prisma.businessPaymentMethod.create({ data: { tenantId: other.tenantId, name: 'Pix' } })).id;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const p = await prisma.product.create({
      data: {
        tenantId,
        sku: 'BZ-1',
        name: 'Churros',
        searchText: 'bz-1 churros',
        unitId: unit.id,
        price: new Prisma.Decimal('12.00'),
        quantityOnHand: new Prisma.Decimal(20),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(20) } });
    customerId = (await prisma.customer.create({ data: { tenantId, name: 'Lucía Pérez' } })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  const bizumId = async () => (await app.deps.db.prisma.businessPaymentMethod.findFirstOrThrow({ where: { tenantId, name: 'Bizum' } })).id;

  it('the owner adds Bizum on the settings page; a seller may not open or post it', async () => {
    await owner.get('/settings/payment-methods');
    const added = await owner.post('/settings/payment-methods', { name: 'Bizum' });
    expect(added.status).toBe(303);
    const page = await owner.get('/settings/payment-methods');
    expect(page.html).toContain('value="Bizum"');
    const duplicate = await owner.post('/settings/payment-methods', { name: 'bizum' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.html).toContain('A payment method with this name already exists');
    expect((await seller.get('/settings/payment-methods')).status).toBe(403);
    await seller.get('/');
    expect((await seller.post('/settings/payment-methods', { name: 'Cheque' })).status).toBe(403);
    expect((await seller.post(`/settings/payment-methods/${await bizumId()}/active`, {})).status).toBe(403);
    expect(await app.deps.db.prisma.businessPaymentMethod.count({ where: { tenantId } })).toBe(1);
  });

  it('a sale paid now by Bizum shows "Bizum" on the sale, its receipt, the payments list and the balance detail', async () => {
    const bizum = await bizumId();
    const form = await seller.get('/sales/new');
    expect(form.html).toContain(`<option value="custom:${bizum}"`);
    const sold = await seller.post('/sales', {
      token: tokenOf(form.html),
      customerId: String(customerId),
      payNow: `custom:${bizum}`,
      'lines[0][product]': 'BZ-1',
      'lines[0][quantity]': '2',
    });
    expect(sold.status).toBe(303);
    const saleId = Number(sold.location!.split('/').pop());
    const payment = await app.deps.db.prisma.payment.findFirstOrThrow({ where: { saleId } });
    expect([payment.method, payment.customMethodId]).toEqual(['other', bizum]);
    const methodCell = /data-label="Method">Bizum</;
    expect((await seller.get(`/sales/${saleId}`)).html).toMatch(methodCell);
    expect((await seller.get(`/sales/${saleId}/receipt`)).html).toContain('· Bizum ·');
    expect((await seller.get('/payments')).html).toMatch(methodCell);
    expect((await seller.get(`/payments/${payment.id}`)).html).toContain('<dd>Bizum');
    const day = localDay(new Date(), 'UTC');
    expect((await owner.get(`/balance/detail?from=${day}&to=${day}`)).html).toContain('<td>Bizum</td>');
    expect((await seller.get(`/customers/${customerId}/statement?from=${day}&to=${day}`)).html).toContain('Payment, Bizum, for sale #');
    // Not cash: the seller's drawer expects nothing from it.
    const sellerUser = await app.deps.db.prisma.user.findFirstOrThrow({ where: { tenantId, role: 'staff' } });
    const drawer = await app.deps.till.open({ tenantId, userId: sellerUser.id, role: 'staff', db: app.deps.tenantDb(tenantId) });
    expect(drawer.expected.toFixed(2)).toBe('0.00');
  });

  it('a supplier paid by Bizum: the payment, its list and the statement name it', async () => {
    const bizum = await bizumId();
    const supplier = await app.deps.db.prisma.supplier.create({
      data: { tenantId, name: 'Harinas Sur', owed: new Prisma.Decimal('50.00') },
    });
    const form = await owner.get(`/purchasing/payments/new?supplier=${supplier.id}`);
    expect(form.html).toContain(`<option value="custom:${bizum}"`);
    const paid = await owner.post('/purchasing/payments', {
      token: tokenOf(form.html),
      supplierId: String(supplier.id),
      amount: '20.00',
      method: `custom:${bizum}`,
    });
    expect(paid.status).toBe(303);
    expect((await owner.get(paid.location!)).html).toContain('<dd>Bizum');
    expect((await owner.get('/purchasing/payments')).html).toMatch(/data-label="Method">Bizum</);
    const refused = await owner.post('/purchasing/payments', {
      token: tokenOf((await owner.get('/purchasing/payments/new')).html),
      supplierId: String(supplier.id),
      amount: '1.00',
      method: `custom:${outsiderMethod}`,
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('Choose a payment method from the list');
    expect((await app.deps.db.prisma.supplier.findUniqueOrThrow({ where: { id: supplier.id } })).owed.toFixed(2)).toBe('30.00');
  });

  it("a payment by another business's method is refused with a message; nothing written", async () => {
    const before = await app.deps.db.prisma.payment.count({ where: { tenantId } });
    const form = await seller.get('/payments/new');
    expect(form.html).not.toContain(`custom:${outsiderMethod}`);
    const res = await seller.post('/payments', {
      token: tokenOf(form.html),
      customerId: String(customerId),
      amount: '5.00',
      method: `custom:${outsiderMethod}`,
    });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Choose a payment method from the list');
    expect(await app.deps.db.prisma.payment.count({ where: { tenantId } })).toBe(before);
    // Nor does the other business see this one's Bizum.
    expect((await outsider.get('/payments/new')).html).not.toContain('Bizum');
  });

  it('deactivated, Bizum is no longer offered nor accepted, and old payments still show it', async () => {
    const bizum = await bizumId();
    await owner.get('/settings/payment-methods');
    expect((await owner.post(`/settings/payment-methods/${bizum}/active`, {})).status).toBe(303);
    const form = await seller.get('/payments/new');
    expect(form.html).not.toContain(`custom:${bizum}`);
    const before = await app.deps.db.prisma.payment.count({ where: { tenantId } });
    const res = await seller.post('/payments', {
      token: tokenOf(form.html),
      customerId: String(customerId),
      amount: '5.00',
      method: `custom:${bizum}`,
    });
    expect(res.status).toBe(422);
    expect(res.html).toContain('This payment method is no longer offered; choose another');
    expect(await app.deps.db.prisma.payment.count({ where: { tenantId } })).toBe(before);
    expect((await seller.get('/payments')).html).toMatch(/data-label="Method">Bizum</);
    // Renamed, old payments show the new name.
    await owner.post(`/settings/payment-methods/${bizum}`, { name: 'Bizum Pay' });
    expect((await seller.get('/payments')).html).toMatch(/data-label="Method">Bizum Pay</);
  });
});
