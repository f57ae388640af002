import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The catalog's forms over HTTP: every bad input comes back as the form (4xx) with the
// message and the typed values, and writes nothing; HTML in names is shown as text; roles,
// tenants and X-Cache as the issue says.

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;');

describe('catalog forms over HTTP', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let manager: TestClient;
  let unitId: number;
  let categoryId: number;
  let foreignCategoryId: number;

  const db = () => app.deps.db.prisma;
  const counts = async () => ({
    products: await db().product.count({ where: { tenantId: tenant.tenantId } }),
    units: await db().unit.count({ where: { tenantId: tenant.tenantId } }),
    categories: await db().category.count({ where: { tenantId: tenant.tenantId } }),
    movements: await db().stockMovement.count({ where: { tenantId: tenant.tenantId } }),
  });
  const product = (o: Record<string, string> = {}) => ({
    sku: `S-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Widget',
    barcode: '',
    categoryId: '',
    unitId: String(unitId),
    price: '1.00',
    cost: '',
    taxRate: '',
    reorderLevel: '',
    openingStock: '',
    ...o,
  });
  const idFrom = (location: string | null) => Number(/\/(\d+)$/.exec(location ?? '')?.[1]);

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: true, env: { RATE_LIMIT_POSTS_PER_MINUTE: '100000' } });
    tenant = await app.createTenantWithOwner();
    const user = await app.createUser(tenant.tenantId, 'manager');
    manager = await app.signIn(user.email, user.password);
    let res = await manager.post('/settings/uoms', { code: 'unit', name: 'Unit' });
    expect(res.status).toBe(303);
    unitId = (await db().unit.findFirstOrThrow({ where: { tenantId: tenant.tenantId, code: 'unit' } })).id;
    res = await manager.post('/settings/categories', { name: 'Tools', parentId: '' });
    expect(res.status).toBe(303);
    categoryId = (await db().category.findFirstOrThrow({ where: { tenantId: tenant.tenantId, name: 'Tools' } })).id;
    const other = await app.createTenantWithOwner();
    foreignCategoryId = (await db().category.create({ data: { tenantId: other.tenantId, name: 'Theirs' } })).id;
  }, 180_000); // app start, migrations and password hashing are slow on a loaded machine
  afterAll(() => app?.close());

  describe('product form', () => {
    it.each([
      ['empty name', { name: '' }, 422, 'Name is required'],
      ['too long name', { name: 'n'.repeat(201) }, 422, 'Name must be at most 200 characters'],
      ['negative price', { price: '-5' }, 422, 'Price cannot be negative'],
      ['too many decimals', { price: '1.999' }, 422, 'Price can have at most 2 decimals'],
      ['non-numeric price', { price: 'ten' }, 422, 'Price must be a number'],
      ['too many quantity decimals', { openingStock: '1.2345' }, 422, 'Opening stock can have at most 3 decimals'],
      ['bad SKU', { sku: 'has space' }, 422, 'SKU may hold letters'],
      ['unknown category id', { categoryId: '987654' }, 422, 'Choose a category from the list'],
      ['non-numeric category id', { categoryId: 'abc' }, 422, 'Choose a category from the list'],
    ])('%s → the form again with the message and the typed values, nothing written', async (_label, overrides, status, message) => {
      const before = await counts();
      const form = product(overrides);
      const res = await manager.post('/catalog/products', form);
      expect(res.status).toBe(status);
      expect(res.html).toContain(escapeHtml(message));
      expect(res.html).toContain(`value="${escapeHtml(form.sku)}"`);
      expect(res.html).toContain('aria-invalid="true"');
      expect(await counts()).toEqual(before);
    });

    it("another tenant's category id → unknown category, nothing written", async () => {
      const before = await counts();
      const res = await manager.post('/catalog/products', product({ categoryId: String(foreignCategoryId) }));
      expect(res.status).toBe(422);
      expect(res.html).toContain('Choose a category from the list');
      expect(await counts()).toEqual(before);
    });

    it('duplicate SKU → a field message, not an error page; nothing written', async () => {
      expect((await manager.post('/catalog/products', product({ sku: 'DUP-9' }))).status).toBe(303);
      const before = await counts();
      const res = await manager.post('/catalog/products', product({ sku: 'DUP-9', openingStock: '4' }));
      expect(res.status).toBe(409);
      expect(res.html).toContain('A product with SKU “DUP-9” already exists');
      expect(await counts()).toEqual(before);
    });

    it('shows HTML in a name as text, in the list, the detail page and a refused form', async () => {
      const name = '<script>alert("x")</script><b>bold</b>';
      const created = await manager.post('/catalog/products', product({ sku: 'XSS-1', name }));
      expect(created.status).toBe(303);
      for (const path of ['/catalog/products?q=xss', created.location!]) {
        const page = await manager.get(path);
        expect(page.html).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
        expect(page.html).not.toContain('<script>alert');
        expect(page.html).not.toContain('<b>bold');
      }
      const refused = await manager.post('/catalog/products', product({ name, price: '-1' }));
      expect(refused.status).toBe(422);
      expect(refused.html).not.toContain('<script>alert');
    });

    it('edits a price and the very next list read is a MISS showing it', async () => {
      const created = await manager.post('/catalog/products', product({ sku: 'PRICE-1', name: 'Priced', price: '10.00' }));
      const id = idFrom(created.location);
      await manager.get('/catalog/products?q=price-1');
      const hit = await manager.get('/catalog/products?q=price-1');
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const edit = await manager.get(`/catalog/products/${id}/edit`);
      expect(edit.html).toContain('value="10.00"');
      const saved = await manager.post(`/catalog/products/${id}`, {
        ...product({ sku: 'PRICE-1', name: 'Priced', price: '12.34' }),
        active: 'on',
      });
      expect(saved.status).toBe(303);
      const after = await manager.get('/catalog/products?q=price-1');
      expect(after.headers.get('x-cache')).toBe('MISS');
      expect(after.html).toContain('$12.34');
    });

    it('an edit with bad input keeps the product as it was', async () => {
      const created = await manager.post('/catalog/products', product({ sku: 'KEEP-1', name: 'Kept', price: '3.00' }));
      const id = idFrom(created.location);
      const res = await manager.post(`/catalog/products/${id}`, { ...product({ sku: 'KEEP-1', name: '', price: '-3' }), active: 'on' });
      expect(res.status).toBe(422);
      const row = await db().product.findUniqueOrThrow({ where: { id } });
      expect([row.name, row.price.toFixed(2)]).toEqual(['Kept', '3.00']);
    });

    it("another tenant's product answers 404", async () => {
      const other = await app.createTenantWithOwner();
      const unit = await db().unit.create({ data: { tenantId: other.tenantId, code: 'u', name: 'U' } });
      const theirs = await db().product.create({
        data: { tenantId: other.tenantId, sku: 'T-1', name: 'Theirs', unitId: unit.id, price: '1' },
      });
      expect((await manager.get(`/catalog/products/${theirs.id}`)).status).toBe(404);
      expect((await manager.post(`/catalog/products/${theirs.id}/stock`, { kind: 'receipt', quantity: '1' })).status).toBe(404);
      expect((await manager.post(`/catalog/products/${theirs.id}/delete`)).status).toBe(404);
    });
  });

  describe('stock adjustment form', () => {
    it('records a receipt and a correction, shows the movements, refuses going below zero', async () => {
      const id = idFrom((await manager.post('/catalog/products', product({ sku: 'ADJ-1', openingStock: '2' }))).location);
      expect((await manager.post(`/catalog/products/${id}/stock`, { kind: 'receipt', quantity: '5', reason: 'Delivery 42' })).status).toBe(
        303,
      );
      expect((await manager.post(`/catalog/products/${id}/stock`, { kind: 'adjustment', quantity: '-1.5', reason: 'Broken' })).status).toBe(
        303,
      );
      const before = await counts();
      const refused = await manager.post(`/catalog/products/${id}/stock`, { kind: 'adjustment', quantity: '-10', reason: 'Count' });
      expect(refused.status).toBe(409);
      expect(refused.html).toContain('Only 5.5 unit in stock');
      expect(refused.html).toContain('value="-10"');
      const noReason = await manager.post(`/catalog/products/${id}/stock`, { kind: 'adjustment', quantity: '-1', reason: '' });
      expect(noReason.status).toBe(422);
      expect(noReason.html).toContain('Reason is required');
      expect(await counts()).toEqual(before);
      const page = await manager.get(`/catalog/products/${id}`);
      expect(page.html).toMatch(/id="on-hand">5\.5 /);
      expect(page.html).toContain('Delivery 42');
      expect(page.html).toContain('−1.5');
    });
  });

  describe('units and categories', () => {
    it.each([
      ['/settings/uoms', { code: '', name: 'X' }, 422, 'Code is required', 'units'],
      ['/settings/uoms', { code: 'c'.repeat(17), name: 'X' }, 422, 'Code must be at most 16 characters', 'units'],
      ['/settings/uoms', { code: 'unit', name: 'Again' }, 409, 'A unit with code “unit” already exists', 'units'],
      ['/settings/categories', { name: '', parentId: '' }, 422, 'Name is required', 'categories'],
      ['/settings/categories', { name: 'Tools', parentId: '' }, 409, 'A category named “Tools” already exists', 'categories'],
      ['/settings/categories', { name: 'Sub', parentId: '424242' }, 422, 'Choose a parent category from the list', 'categories'],
    ] as const)('POST %s %j → %i with the message, nothing written', async (path, form, status, message, table) => {
      const before = await counts();
      const res = await manager.post(path, form);
      expect(res.status).toBe(status);
      expect(res.html).toContain(message);
      expect((await counts())[table]).toBe(before[table]);
    });

    it("another tenant's parent category → unknown parent", async () => {
      const res = await manager.post('/settings/categories', { name: 'Sneaky', parentId: String(foreignCategoryId) });
      expect(res.status).toBe(422);
      expect(res.html).toContain('Choose a parent category from the list');
    });

    it('refuses deleting a unit or category in use, saying how many products use it', async () => {
      await manager.post('/catalog/products', product({ sku: 'USE-1', categoryId: String(categoryId) }));
      const inUse = await db().product.count({ where: { tenantId: tenant.tenantId, unitId } });
      const unit = await manager.post(`/settings/uoms/${unitId}/delete`);
      expect(unit.status).toBe(409);
      expect(unit.html).toContain(`Unit “unit” cannot be deleted: ${inUse} products use it.`);
      const category = await manager.post(`/settings/categories/${categoryId}/delete`);
      expect(category.status).toBe(409);
      expect(category.html).toContain('Category “Tools” cannot be deleted: 1 product uses it.');
      expect(await db().unit.count({ where: { id: unitId } })).toBe(1);
    });

    it('shows the category tree and sends X-Cache', async () => {
      const first = await manager.get('/settings/categories');
      const second = await manager.get('/settings/categories');
      expect(first.status).toBe(200);
      expect(second.headers.get('x-cache')).toBe('HIT');
      expect(second.html).toContain('Tools');
      expect((await manager.get('/settings/uoms')).headers.get('x-cache')).toMatch(/HIT|MISS/);
    });
  });

  describe('roles', () => {
    it('staff may add products but not delete catalog or settings rows', async () => {
      const user = await app.createUser(tenant.tenantId, 'staff');
      const staff = await app.signIn(user.email, user.password);
      const created = await staff.post('/catalog/products', product({ sku: 'STAFF-1' }));
      expect(created.status).toBe(303);
      const id = idFrom(created.location);
      expect((await staff.post(`/catalog/products/${id}/delete`)).status).toBe(403);
      const spare = await db().unit.create({ data: { tenantId: tenant.tenantId, code: 'spare', name: 'Spare' } });
      expect((await staff.post(`/settings/uoms/${spare.id}/delete`)).status).toBe(403);
      expect((await staff.post(`/settings/categories/${categoryId}/delete`)).status).toBe(403);
      expect((await staff.get('/catalog/products/import')).status).toBe(403);
      expect((await db().product.findUniqueOrThrow({ where: { id } })).active).toBe(true);
      expect(await db().unit.count({ where: { id: spare.id } })).toBe(1);
    });

    it('business settings are for owners only', async () => {
      expect((await manager.get('/settings/business')).status).toBe(403);
      expect(
        (await manager.post('/settings/business', { name: 'Hijack', currency: 'USD', timeZone: 'UTC', defaultTaxRate: '0' })).status,
      ).toBe(403);
      const owner = await app.signIn(tenant.owner.email, tenant.owner.password);
      expect((await owner.get('/settings/business')).status).toBe(200);
      const bad = await owner.post('/settings/business', { name: '', currency: 'EURO', timeZone: 'Nowhere/City', defaultTaxRate: '7.555' });
      expect(bad.status).toBe(422);
      expect(bad.html).toContain('Currency must be a three-letter ISO code');
      expect(bad.html).toContain('value="EURO"');
      const ok = await owner.post('/settings/business', {
        name: 'Ferretería',
        currency: 'eur',
        timeZone: 'Europe/Madrid',
        defaultTaxRate: '21',
      });
      expect(ok.status).toBe(303);
      expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } })).currency).toBe('EUR');
      const list = await owner.get('/catalog/products?q=price-1');
      expect(list.headers.get('x-cache')).toBe('MISS');
      expect(list.html).toContain('€12.34');
    });
  });

  describe('CSV import and export', () => {
    it('previews row errors without writing, imports all or nothing, exports what it imports', async () => {
      const bad = 'sku,name,unit,price,category,quantity_on_hand\nCSV-1,Hammer,unit,9.50,Tools,3\nCSV-2,Saw,crate,-1,Nowhere,2\n';
      const before = await counts();
      const preview = await manager.post('/catalog/products/import', { csv: bad, action: 'preview' });
      expect(preview.status).toBe(422);
      expect(preview.html).toContain('Unknown unit “crate”');
      expect(preview.html).toContain('Unknown category “Nowhere”');
      expect(preview.html).toContain('Price cannot be negative');
      const forced = await manager.post('/catalog/products/import', { csv: bad, action: 'import' });
      expect(forced.status).toBe(422);
      expect(await counts()).toEqual(before);

      const good = bad.replace('CSV-2,Saw,crate,-1,Nowhere,2', 'CSV-2,Saw,unit,12,,2');
      const ok = await manager.post('/catalog/products/import', { csv: good, action: 'preview' });
      expect(ok.status).toBe(200);
      expect(ok.html).toContain('Import 2 products');
      const done = await manager.post('/catalog/products/import', { csv: good, action: 'import' });
      expect(done.status).toBe(303);
      const rows = await db().product.findMany({
        where: { tenantId: tenant.tenantId, sku: { in: ['CSV-1', 'CSV-2'] } },
        orderBy: { sku: 'asc' },
        include: { category: true },
      });
      expect(rows.map((r) => [r.sku, r.price.toFixed(2), r.quantityOnHand.toString(), r.category?.name ?? null])).toEqual([
        ['CSV-1', '9.50', '3', 'Tools'],
        ['CSV-2', '12.00', '2', null],
      ]);

      const exported = await manager.request('GET', '/catalog/products/export.csv?q=csv-');
      expect(exported.headers.get('content-type')).toContain('text/csv');
      const text = await exported.text();
      expect(text.split('\n')[0]).toBe('sku,name,barcodes,category,unit,price,cost,tax_rate,reorder_level,quantity_on_hand');
      expect(text).toContain('CSV-1,Hammer,,Tools,unit,9.50,0.00,,0,3');
      const again = await manager.post('/catalog/products/import', { csv: text, action: 'preview' });
      expect(again.status).toBe(200);
      expect(again.html).toContain('0 new products and 2 updates');
    });
  });
});
