import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/db/scope.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { readPdf } from '../helpers/pdf.ts';

// The purchasing pages over HTTP on PostgreSQL: what a manager and staff do, what they are
// refused (and that nothing is written then), and every id of another business answering 404.

const HOOK_TIMEOUT_MS = 180_000;
const idIn = (location: string | null) => Number(/\/(\d+)(?:$|[?#])/.exec(location ?? '')?.[1] ?? NaN);
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ');

describe('purchasing pages on postgresql', () => {
  let t: TestApp;
  let a: TestTenant;
  let manager: TestClient;
  let staff: TestClient;
  let scopeA: Scope;
  let unitId: number;
  let n = 0;

  async function product(fields: { cost?: string; qty?: string; reorderLevel?: string } = {}) {
    const sku = `P-${++n}-${randomUUID().slice(0, 6)}`;
    const { id } = await t.deps.catalog.products.create(scopeA, {
      sku,
      name: `Product ${sku}`,
      unitId: String(unitId),
      price: '10.00',
      cost: fields.cost ?? '0',
      openingStock: fields.qty ?? '0',
      reorderLevel: fields.reorderLevel ?? '0',
    });
    return { id, sku };
  }

  async function supplierPage(client: TestClient, name: string) {
    const form = await client.get('/purchasing/suppliers/new');
    const token = /name="token" value="([^"]+)"/.exec(form.html)![1]!;
    const res = await client.post('/purchasing/suppliers', {
      token,
      name,
      contactName: 'Pat',
      email: '',
      phone: '',
      address: '',
      taxId: 'B-123',
      paymentTermsDays: '30',
      notes: '',
    });
    expect(res.status, text(res.html).slice(0, 300)).toBe(303);
    return idIn(res.location);
  }

  async function orderPage(client: TestClient, supplierId: number, lines: Array<[string, string, string]>) {
    const form = await client.get('/purchasing/orders/new');
    const token = /name="token" value="([^"]+)"/.exec(form.html)![1]!;
    const body: Record<string, string> = { token, supplierId: String(supplierId), note: '' };
    lines.forEach(([sku, quantity, unitCost], i) =>
      Object.assign(body, { [`lines[${i}][product]`]: sku, [`lines[${i}][quantity]`]: quantity, [`lines[${i}][unitCost]`]: unitCost }),
    );
    const res = await client.post('/purchasing/orders', body);
    expect(res.status, text(res.html).slice(0, 400)).toBe(303);
    return idIn(res.location);
  }

  async function ordered(lines: Array<[string, string, string]>) {
    const supplierId = await supplierPage(manager, `Supplier ${++n}`);
    const orderId = await orderPage(manager, supplierId, lines);
    expect((await manager.post(`/purchasing/orders/${orderId}/order`)).status).toBe(303);
    return { supplierId, orderId };
  }

  const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)![1]!;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'postgresql', redis: true });
    a = await t.createTenantWithOwner('Buying Hardware');
    scopeA = { tenantId: a.tenantId, userId: a.owner.id, role: 'owner', db: t.deps.tenantDb(a.tenantId) };
    unitId = (await t.deps.settings.uoms.create(scopeA, { code: 'unit', name: 'Unit' })).id;
    const m = await t.createUser(a.tenantId, 'manager');
    const s = await t.createUser(a.tenantId, 'staff');
    manager = await t.signIn(m.email, m.password);
    staff = await t.signIn(s.email, s.password);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('a manager adds a supplier and a draft of two lines, edits it, orders it, prints it and downloads its PDF', async () => {
    const p1 = await product({ cost: '2.00' });
    const p2 = await product();
    const supplierId = await supplierPage(manager, 'Ferretería Núñez');
    // A blank unit cost takes the product's cost; a product without one must be given one.
    const form = await manager.get('/purchasing/orders/new');
    const refused = await manager.post('/purchasing/orders', {
      token: tokenOf(form.html),
      supplierId: String(supplierId),
      'lines[0][product]': `${p1.sku} — Product ${p1.sku}`,
      'lines[0][quantity]': '3',
      'lines[0][unitCost]': '',
      'lines[1][product]': '',
      'lines[1][quantity]': '',
      'lines[2][product]': p2.sku,
      'lines[2][quantity]': '4',
    });
    expect(refused.status).toBe(422);
    // The empty row is dropped: the refused line comes back as the form's second row.
    expect(refused.html).toMatch(/id="lines\.1\.unitCost-error"[^>]*>Enter the unit cost/);
    expect(await t.deps.db.prisma.purchaseOrder.count({ where: { tenantId: a.tenantId, supplierId } })).toBe(0);
    const orderId = await orderPage(manager, supplierId, [
      [p1.sku, '3', ''],
      [p2.sku, '4', '1.25'],
    ]);
    const draft = await manager.get(`/purchasing/orders/${orderId}`);
    expect(text(draft.html)).toMatch(/Purchase order #\d+ Draft/);
    expect(draft.html).toContain('data-order-value>$11.00');
    const edited = await manager.post(`/purchasing/orders/${orderId}`, {
      supplierId: String(supplierId),
      note: 'Deliver before noon',
      'lines[0][product]': p2.sku,
      'lines[0][quantity]': '8',
      'lines[0][unitCost]': '1.25',
    });
    expect(edited.status).toBe(303);
    expect((await manager.post(`/purchasing/orders/${orderId}/order`)).status).toBe(303);
    const again = await manager.post(`/purchasing/orders/${orderId}`, {
      supplierId: String(supplierId),
      'lines[0][product]': p2.sku,
      'lines[0][quantity]': '1',
    });
    expect(again.status).toBe(409);
    expect(again.html).toContain('Only a draft can be edited');
    expect((await manager.get(`/purchasing/orders/${orderId}/edit`)).status).toBe(409);
    const print = await manager.get(`/purchasing/orders/${orderId}/print`);
    expect(print.status).toBe(200);
    expect(text(print.html)).toContain('Ferretería Núñez');
    expect(print.html).toContain('data-order-total><strong>$10.00');
    const pdf = await manager.request('GET', `/purchasing/orders/${orderId}/order.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const read = await readPdf(new Uint8Array(await pdf.arrayBuffer()));
    expect(read.text).toContain('PURCHASE ORDER');
    expect(read.text).toContain('Ferretería Núñez');
    expect(read.text).toContain('$10.00');
    expect(read.text).toContain('Deliver before noon');
    // Staff may see the order to receive it, without costs, but not print it or change it.
    const asStaff = await staff.get(`/purchasing/orders/${orderId}`);
    expect(asStaff.status).toBe(200);
    expect(asStaff.html).not.toContain('$10.00');
    expect((await staff.get(`/purchasing/orders/${orderId}/print`)).status).toBe(403);
    expect((await staff.post(`/purchasing/orders/${orderId}/cancel`)).status).toBe(403);
  });

  it('receiving more than ordered is refused on the line and writes nothing; ticked, it is taken in and the cost change shown', async () => {
    const p = await product({ qty: '0' });
    const { orderId, supplierId } = await ordered([[p.sku, '5', '2.00']]);
    const page = await staff.get(`/purchasing/orders/${orderId}/receive`);
    expect(page.status).toBe(200);
    // The line offers what is outstanding; staff get no cost column.
    expect(page.html).toMatch(/name="lines\[1\]\[quantity\]"[^>]*value="5"/);
    expect(page.html).not.toContain('lines[1][unitCost]');
    const before = await t.deps.db.prisma.stockMovement.count({ where: { tenantId: a.tenantId } });
    const refused = await staff.post(`/purchasing/orders/${orderId}/receive`, {
      token: tokenOf(page.html),
      'lines[1][quantity]': '7',
      note: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/id="lines\.1\.quantity-error"[^>]*>More than ordered/);
    expect(refused.html).toMatch(/name="lines\[1\]\[quantity\]"[^>]*value="7"/);
    expect(await t.deps.db.prisma.stockMovement.count({ where: { tenantId: a.tenantId } })).toBe(before);
    expect((await t.deps.db.prisma.product.findUniqueOrThrow({ where: { id: p.id } })).quantityOnHand.toString()).toBe('0');
    expect((await t.deps.db.prisma.supplier.findUniqueOrThrow({ where: { id: supplierId } })).owed.toFixed(2)).toBe('0.00');
    // Staff may not receive at another cost (a hand-made request).
    const cost = await staff.post(`/purchasing/orders/${orderId}/receive`, {
      token: tokenOf(page.html),
      'lines[1][quantity]': '1',
      'lines[1][unitCost]': '0.01',
    });
    expect(cost.status).toBe(403);
    expect(cost.html).toContain('Only managers and owners can receive at another unit cost.');
    const taken = await staff.post(`/purchasing/orders/${orderId}/receive`, {
      token: tokenOf(page.html),
      'lines[1][quantity]': '7',
      confirmOver: 'on',
      note: 'DN-1',
    });
    expect(taken.status).toBe(303);
    expect(taken.location).toMatch(/^\/purchasing\/receipts\/\d+$/);
    // The same form sent again records nothing more.
    const twice = await staff.post(`/purchasing/orders/${orderId}/receive`, {
      token: tokenOf(page.html),
      'lines[1][quantity]': '7',
      confirmOver: 'on',
    });
    expect(twice.location).toBe(taken.location);
    expect((await t.deps.db.prisma.product.findUniqueOrThrow({ where: { id: p.id } })).quantityOnHand.toString()).toBe('7');
    const receipt = await manager.get(taken.location!);
    expect(receipt.html).toContain('data-cost-before>$0.00');
    expect(receipt.html).toContain('data-cost-after><strong>$2.00');
    expect((await staff.get(taken.location!)).html).not.toContain('data-cost-after');
    expect((await t.deps.db.prisma.supplier.findUniqueOrThrow({ where: { id: supplierId } })).owed.toFixed(2)).toBe('14.00');
    const closed = await staff.post(`/purchasing/orders/${orderId}/receive`, { token: randomUUID(), 'lines[1][quantity]': '1' });
    expect(closed.status).toBe(409);
  });

  it('a manager pays part of what is owed; more than owed is refused; the statement adds up to what is owed', async () => {
    const p = await product();
    const { orderId, supplierId } = await ordered([[p.sku, '10', '3.00']]);
    const receive = await manager.get(`/purchasing/orders/${orderId}/receive`);
    expect(
      (
        await manager.post(`/purchasing/orders/${orderId}/receive`, {
          token: tokenOf(receive.html),
          'lines[1][quantity]': '10',
          'lines[1][unitCost]': '',
        })
      ).status,
    ).toBe(303);
    const form = await manager.get(`/purchasing/payments/new?supplier=${supplierId}`);
    expect(form.html).toContain('data-owed>$30.00');
    const pay = (amount: string, token = tokenOf(form.html)) =>
      manager.post('/purchasing/payments', {
        token,
        supplierId: String(supplierId),
        amount,
        method: 'transfer',
        day: '',
        reference: 'TR-9',
        note: '',
      });
    const tooMuch = await pay('30.01');
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.html).toMatch(/id="amount-error"[^>]*>A payment cannot be more than what is owed/);
    const paid = await pay('12.50');
    expect(paid.status).toBe(303);
    expect((await manager.get(paid.location!)).html).toContain('data-owed>$17.50');
    const statement = await manager.get(`/purchasing/suppliers/${supplierId}/statement`);
    expect(statement.status).toBe(200);
    expect(statement.html).toContain('data-opening>$0.00');
    expect(statement.html).toContain('data-closing><strong>$17.50');
    expect(text(statement.html)).toMatch(/Goods received on order #\d+/);
    expect(text(statement.html)).toContain('Payment, Transfer');
    expect(
      (await staff.post('/purchasing/payments', { token: randomUUID(), supplierId: String(supplierId), amount: '1', method: 'cash' }))
        .status,
    ).toBe(403);
    expect((await staff.get(`/purchasing/suppliers/${supplierId}/statement`)).status).toBe(403);
  });

  it('cancelling asks first, then closes the order; what was received stands', async () => {
    const p = await product();
    const { orderId } = await ordered([[p.sku, '4', '1.00']]);
    const receive = await manager.get(`/purchasing/orders/${orderId}/receive`);
    await manager.post(`/purchasing/orders/${orderId}/receive`, { token: tokenOf(receive.html), 'lines[1][quantity]': '1' });
    const ask = await manager.get(`/purchasing/orders/${orderId}/cancel`);
    expect(ask.html).toContain('data-receipts-stand');
    expect((await manager.post(`/purchasing/orders/${orderId}/cancel`)).status).toBe(303);
    expect((await t.deps.db.prisma.purchaseOrder.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('cancelled');
    expect((await t.deps.db.prisma.product.findUniqueOrThrow({ where: { id: p.id } })).quantityOnHand.toString()).toBe('1');
    expect((await manager.post(`/purchasing/orders/${orderId}/cancel`)).status).toBe(409);
    const closed = await staff.get(`/purchasing/orders/${orderId}/receive`);
    expect(closed.status).toBe(409);
    expect(closed.html).toContain('This order is closed; nothing more can be received on it.');
  });

  it('the product page shows its buying details; managers edit them, staff see no last cost', async () => {
    const p = await product({ cost: '4.00' });
    const supplierId = await supplierPage(manager, 'Buying Details SA');
    const form = await manager.get(`/purchasing/products/${p.id}/buying`);
    expect(form.status).toBe(200);
    const saved = await manager.post(`/purchasing/products/${p.id}/buying`, {
      preferredSupplierId: String(supplierId),
      supplierCode: 'BD-77',
      lastCost: '3.95',
    });
    expect(saved.status).toBe(303);
    const page = await manager.get(`/catalog/products/${p.id}`);
    expect(text(page.html)).toContain('Buying Details SA');
    expect(page.html).toContain('data-last-cost>$3.95');
    const asStaff = await staff.get(`/catalog/products/${p.id}`);
    expect(asStaff.html).toContain('BD-77');
    expect(asStaff.html).not.toContain('3.95');
    expect((await staff.post(`/purchasing/products/${p.id}/buying`, { supplierCode: 'X' })).status).toBe(403);
  });

  it('a Spanish business: supplier CSV in semicolons after a byte-order mark imports back unchanged, one bad row writes nothing; order lines read decimal commas', async () => {
    const b = await t.createTenantWithOwner('Tienda de Compras');
    await t.deps.db.prisma.tenant.update({ where: { id: b.tenantId }, data: { language: 'es' } });
    const es = await t.signIn(b.owner.email, b.owner.password);
    const token = tokenOf((await es.get('/purchasing/suppliers/new')).html);
    const added = await es.post('/purchasing/suppliers', {
      token,
      name: 'Distribuciones Peña; S.L.',
      contactName: '=HYPERLINK("x")',
      email: 'pedidos@pena.example',
      phone: '',
      address: 'Calle Mayor 1\nMadrid',
      taxId: 'B-99',
      paymentTermsDays: '45',
      notes: '',
    });
    expect(added.status).toBe(303);
    const res = await es.request('GET', '/purchasing/suppliers/export.csv');
    // Read as bytes: a decoder would drop the byte-order mark.
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(csv.startsWith('\uFEFFname;contact_name;email;phone;address;tax_id;payment_terms_days;notes')).toBe(true);
    // A formula is exported as text; the semicolon in the name is quoted.
    expect(csv).toContain(`"Distribuciones Peña; S.L.";"'=HYPERLINK(""x"")";`);
    const snapshot = () => t.deps.db.prisma.supplier.findMany({ where: { tenantId: b.tenantId }, orderBy: { id: 'asc' } });
    const before = await snapshot();
    const again = await es.post('/purchasing/suppliers/import', { action: 'import', csv });
    expect(again.status).toBe(303);
    expect((await snapshot()).map(({ updatedAt: _u, ...s }) => s)).toEqual(before.map(({ updatedAt: _u, ...s }) => s));
    const bad = await es.post('/purchasing/suppliers/import', {
      action: 'import',
      csv: 'name;payment_terms_days\nNuevo;30\nOtro;muchos\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('row-errors');
    expect(await snapshot()).toHaveLength(1);
    const preview = await es.post('/purchasing/suppliers/import', {
      action: 'preview',
      csv: 'name,payment_terms_days\nNuevo,30\nDistribuciones Peña; S.L.,60\n',
    });
    expect(preview.status).toBe(200);
    expect(text(preview.html)).toMatch(/1 .*1 /);
    expect(
      (
        await es.post('/purchasing/suppliers/import', {
          action: 'import',
          csv: 'name,payment_terms_days\nNuevo,30\nDistribuciones Peña; S.L.,60\n',
        })
      ).status,
    ).toBe(303);
    const after = await snapshot();
    expect(after.map((s) => [s.name, s.paymentTermsDays, s.email])).toEqual([
      ['Distribuciones Peña; S.L.', 60, 'pedidos@pena.example'],
      ['Nuevo', 30, null],
    ]);
    // The order form reads numbers as the business writes them: a decimal comma in es-ES.
    await t.deps.db.prisma.tenant.update({ where: { id: b.tenantId }, data: { locale: 'es-ES' } });
    // Written past the settings service (no event): clear what signed-in users see, as the cache page would.
    await t.deps.cache.module('viewer').invalidate(b.tenantId);
    const sb: Scope = { tenantId: b.tenantId, userId: b.owner.id, role: 'owner', db: t.deps.tenantDb(b.tenantId) };
    const unit = await t.deps.settings.uoms.create(sb, { code: 'ud', name: 'Unidad' });
    await t.deps.catalog.products.create(sb, { sku: 'TORN-1', name: 'Tornillos', unitId: String(unit.id), price: '1' });
    const orderForm = await es.get('/purchasing/orders/new');
    const line = (quantity: string, unitCost: string) => ({
      token: tokenOf(orderForm.html),
      supplierId: String(after[0]!.id),
      'lines[0][product]': 'TORN-1',
      'lines[0][quantity]': quantity,
      'lines[0][unitCost]': unitCost,
    });
    const dotted = await es.post('/purchasing/orders', line('2.5', '0.40'));
    expect(dotted.status).toBe(422);
    expect(dotted.html).toMatch(/id="lines\.0\.quantity-error"/);
    const comma = await es.post('/purchasing/orders', line('2,5', '0,40'));
    expect(comma.status).toBe(303);
    const order = await t.deps.db.prisma.purchaseOrder.findUniqueOrThrow({ where: { id: idIn(comma.location) }, include: { lines: true } });
    expect(order.lines.map((l) => [l.quantity.toString(), l.unitCost.toFixed(2)])).toEqual([['2.5', '0.40']]);
    expect((await es.get(`/purchasing/orders/${order.id}/edit`)).html).toMatch(/name="lines\[0\]\[unitCost\]"[^>]*value="0,40"/);
    expect((await staff.get('/purchasing/suppliers/export.csv')).status).toBe(403);
    expect((await staff.post('/purchasing/suppliers/import', { action: 'preview', csv: 'name\nX\n' })).status).toBe(403);
  });

  it('the reorder list groups products by preferred supplier, lists the rest apart, and drafts one order per supplier once', async () => {
    const b = await t.createTenantWithOwner('Reorder Shop');
    const sb: Scope = { tenantId: b.tenantId, userId: b.owner.id, role: 'owner', db: t.deps.tenantDb(b.tenantId) };
    const client = await t.signIn(b.owner.email, b.owner.password);
    const unit = await t.deps.settings.uoms.create(sb, { code: 'unit', name: 'Unit' });
    const make = async (sku: string, qty: string, reorderLevel: string, cost = '1.00') =>
      (
        await t.deps.catalog.products.create(sb, {
          sku,
          name: sku,
          unitId: String(unit.id),
          price: '5',
          cost,
          openingStock: qty,
          reorderLevel,
        })
      ).id;
    const [low1, low2, onOrder, fine, noSupplier] = [
      await make('LOW-1', '1', '5'),
      await make('LOW-2', '0', '2'),
      await make('ONORDER', '1', '5'),
      await make('FINE', '9', '5'),
      await make('ORPHAN', '0', '3'),
    ];
    const acme = await supplierPage(client, 'Acme');
    const bolt = await supplierPage(client, 'Bolt & Co');
    for (const [id, supplier] of [
      [low1, acme],
      [low2, bolt],
      [onOrder, acme],
      [fine, acme],
    ] as const)
      await t.deps.purchasing.productBuying.set(sb, id, { preferredSupplierId: String(supplier) });
    // 5 on order of ONORDER: 1 + 5 > 5, not to reorder.
    const open = await orderPage(client, acme, [['ONORDER', '5', '1.00']]);
    expect((await client.post(`/purchasing/orders/${open}/order`)).status).toBe(303);
    const page = await client.get('/purchasing/reorder');
    expect(page.status).toBe(200);
    const body = text(page.html);
    expect([...page.html.matchAll(/data-supplier="([^"]+)"/g)].map((m) => m[1])).toEqual(['Acme', 'Bolt &amp; Co']);
    expect(page.html).toMatch(/data-product="LOW-1"[\s\S]*data-product="LOW-2"[\s\S]*data-unassigned[\s\S]*data-product="ORPHAN"/);
    expect(body).not.toContain('ONORDER');
    expect(body).not.toContain('FINE');
    // Twice the reorder level less what is there: LOW-1 10 − 1 = 9, LOW-2 4 − 0 = 4.
    expect(page.html).toMatch(/name="items\[\d+\]"[^>]*value="9"/);
    expect(page.html).not.toContain(`name="items[${noSupplier}]"`);
    const token = tokenOf(page.html);
    // Hostile quantities (the sweep cannot name a field by product id): refused on the product's row, nothing written.
    const count = () => t.deps.db.prisma.purchaseOrder.count({ where: { tenantId: b.tenantId } });
    const orders = await count();
    for (const bad of ['-1', 'abc', `1${'0'.repeat(30)}`, '1,5', 'a\u0000b']) {
      const refused = await client.post('/purchasing/reorder', { token, [`items[${low1}]`]: bad });
      expect(refused.status, bad).toBe(422);
      expect(refused.html, bad).toMatch(new RegExp(`id="items\\.${low1}-error"`));
    }
    const twice = new URLSearchParams([
      [`items[${low1}]`, '1'],
      [`items[${low1}]`, '2'],
      ['token', token],
      ['_csrf', client.csrfToken!],
    ]);
    const array = await client.request('POST', '/purchasing/reorder', {
      body: twice.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(array.status).toBe(422);
    expect(await count()).toBe(orders);
    const made = await client.post('/purchasing/reorder', { token, [`items[${low1}]`]: '9', [`items[${low2}]`]: '6' });
    expect(made.status).toBe(303);
    expect(made.location).toBe('/purchasing/orders?status=draft');
    const drafts = await t.deps.db.prisma.purchaseOrder.findMany({
      where: { tenantId: b.tenantId, status: 'draft' },
      include: { lines: true },
      orderBy: { id: 'asc' },
    });
    expect(drafts.map((d) => [d.supplierId, d.lines.map((l) => [l.productId, l.quantity.toString(), l.unitCost.toFixed(2)])])).toEqual([
      [acme, [[low1, '9', '1.00']]],
      [bolt, [[low2, '6', '1.00']]],
    ]);
    // The list now points at the drafts (after commit, through the cache); another click drafts nothing more.
    const after = await client.get('/purchasing/reorder');
    expect(text(after.html)).toMatch(/In draft #\d+/);
    const second = await client.post('/purchasing/reorder', { token: randomUUID(), [`items[${low1}]`]: '9' });
    expect(second.status).toBe(422);
    expect(await t.deps.db.prisma.purchaseOrder.count({ where: { tenantId: b.tenantId, status: 'draft' } })).toBe(2);
    expect((await staff.get('/purchasing/reorder')).status).toBe(403);
  });

  it('searches and pages the suppliers', async () => {
    const b = await t.createTenantWithOwner('Many Suppliers');
    const sb: Scope = { tenantId: b.tenantId, userId: b.owner.id, role: 'owner', db: t.deps.tenantDb(b.tenantId) };
    for (let i = 1; i <= 30; i++)
      await t.deps.purchasing.suppliers.create(sb, {
        token: randomUUID(),
        name: `Supplier ${String(i).padStart(2, '0')}`,
        email: `s${i}@example.test`,
      });
    const client = await t.signIn(b.owner.email, b.owner.password);
    const first = await client.get('/purchasing/suppliers');
    expect(first.html.match(/<tr>\s*<td data-label="Name">/g)).toHaveLength(25);
    expect(first.html).toContain('rel="next"');
    const second = await client.get('/purchasing/suppliers?page=2');
    expect(second.html.match(/<tr>\s*<td data-label="Name">/g)).toHaveLength(5);
    const found = await client.get('/purchasing/suppliers?q=S17%40example');
    expect(text(found.html)).toContain('Supplier 17');
    expect(found.html.match(/<tr>\s*<td data-label="Name">/g)).toHaveLength(1);
  });

  it("answers 404 to every purchasing page and form with another business's ids, and changes nothing", async () => {
    const p = await product();
    const { orderId, supplierId } = await ordered([[p.sku, '2', '1.00']]);
    const receive = await manager.get(`/purchasing/orders/${orderId}/receive`);
    const receipt = await manager.post(`/purchasing/orders/${orderId}/receive`, {
      token: tokenOf(receive.html),
      'lines[1][quantity]': '1',
    });
    const receiptId = idIn(receipt.location);
    const payForm = await manager.get(`/purchasing/payments/new?supplier=${supplierId}`);
    const payment = await manager.post('/purchasing/payments', {
      token: tokenOf(payForm.html),
      supplierId: String(supplierId),
      amount: '0.50',
      method: 'cash',
    });
    const paymentId = idIn(payment.location);
    const draftId = await orderPage(manager, supplierId, [[p.sku, '1', '1.00']]);

    const other = await t.createTenantWithOwner('Stranger Shop');
    const them = await t.signIn(other.owner.email, other.owner.password);
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all([
          t.deps.db.prisma.supplier.findMany({ where: { tenantId: a.tenantId }, orderBy: { id: 'asc' } }),
          t.deps.db.prisma.purchaseOrder.findMany({ where: { tenantId: a.tenantId }, orderBy: { id: 'asc' }, include: { lines: true } }),
          t.deps.db.prisma.product.findMany({ where: { tenantId: a.tenantId }, orderBy: { id: 'asc' } }),
          t.deps.db.prisma.purchaseReceipt.count({ where: { tenantId: a.tenantId } }),
          t.deps.db.prisma.supplierPayment.count({ where: { tenantId: a.tenantId } }),
        ]),
      );
    const before = await snapshot();
    const gets = [
      `/purchasing/suppliers/${supplierId}`,
      `/purchasing/suppliers/${supplierId}/edit`,
      `/purchasing/suppliers/${supplierId}/statement`,
      `/purchasing/orders/${orderId}`,
      `/purchasing/orders/${draftId}/edit`,
      `/purchasing/orders/${orderId}/cancel`,
      `/purchasing/orders/${orderId}/print`,
      `/purchasing/orders/${orderId}/order.pdf`,
      `/purchasing/orders/${orderId}/receive`,
      `/purchasing/receipts/${receiptId}`,
      `/purchasing/payments/${paymentId}`,
      `/purchasing/products/${p.id}/buying`,
    ];
    for (const path of gets) expect((await them.get(path)).status, path).toBe(404);
    const posts: Array<[string, Record<string, string>]> = [
      [`/purchasing/suppliers/${supplierId}`, { name: 'Stolen', paymentTermsDays: '0' }],
      [
        `/purchasing/orders/${draftId}`,
        { supplierId: String(supplierId), 'lines[0][product]': p.sku, 'lines[0][quantity]': '1', 'lines[0][unitCost]': '1' },
      ],
      [`/purchasing/orders/${draftId}/order`, {}],
      [`/purchasing/orders/${orderId}/cancel`, {}],
      [`/purchasing/orders/${orderId}/receive`, { token: randomUUID(), 'lines[1][quantity]': '1' }],
      [`/purchasing/products/${p.id}/buying`, { supplierCode: 'Stolen' }],
    ];
    for (const [path, form] of posts) expect((await them.post(path, form)).status, path).toBe(404);
    // Named in their own forms, our supplier and product are refused on the field.
    const pay = await them.post('/purchasing/payments', {
      token: randomUUID(),
      supplierId: String(supplierId),
      amount: '0.10',
      method: 'cash',
    });
    expect(pay.status).toBe(422);
    expect(pay.html).toMatch(/id="supplierId-error"/);
    const order = await them.post('/purchasing/orders', {
      token: randomUUID(),
      supplierId: String(supplierId),
      'lines[0][product]': p.sku,
      'lines[0][quantity]': '1',
      'lines[0][unitCost]': '1',
    });
    expect(order.status).toBe(422);
    expect(order.html).toMatch(/id="supplierId-error"[\s\S]*id="lines\.0\.product-error"/);
    for (const list of ['/purchasing/suppliers', '/purchasing/orders', '/purchasing/payments', '/purchasing/reorder'])
      expect((await them.get(list)).html, list).not.toContain(p.sku);
    expect(await snapshot()).toBe(before);
  });
});
