import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Several barcodes per product: typed (or scanned) one per line in the product form, unique
// within a business, found by every product search, and carried by the CSV export and
// import in one `barcodes` cell separated by `|`.

describe('product barcodes', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let manager: TestClient;
  let unitId: number;

  const db = () => app.deps.db.prisma;
  const idFrom = (location: string | null) => Number(/\/(\d+)$/.exec(location ?? '')?.[1]);
  const form = (o: Record<string, string>) => ({
    name: 'Widget',
    barcodes: '',
    categoryId: '',
    unitId: String(unitId),
    price: '1.00',
    cost: '',
    taxRate: '',
    reorderLevel: '',
    openingStock: '5',
    ...o,
  });
  const codesOf = async (productId: number) =>
    (await db().productBarcode.findMany({ where: { productId }, orderBy: { id: 'asc' } })).map((b) => b.code);
  const listed = async (client: TestClient, q: string) => {
    const page = await client.get(`/catalog/products?q=${encodeURIComponent(q)}`);
    expect(page.status).toBe(200);
    return [...page.html.matchAll(/<td data-label="SKU"><code>([^<]+)<\/code>/g)].map((m) => m[1]);
  };
  const picked = async (client: TestClient, q: string) => {
    const res = await client.request('GET', `/sales/product-search?q=${encodeURIComponent(q)}`, {
      headers: { accept: 'application/json' },
    });
    return ((await res.json()) as { products: Array<{ sku: string }> }).products.map((p) => p.sku);
  };

  beforeAll(async () => {
    // PostgreSQL: the parallel case needs real concurrent transactions.
    app = await startTestApp({ driver: 'postgresql', redis: false, env: { RATE_LIMIT_POSTS_PER_MINUTE: '100000' } });
    tenant = await app.createTenantWithOwner();
    const user = await app.createUser(tenant.tenantId, 'manager');
    manager = await app.signIn(user.email, user.password);
    expect((await manager.post('/settings/uoms', { code: 'unit', name: 'Unit' })).status).toBe(303);
    unitId = (await db().unit.findFirstOrThrow({ where: { tenantId: tenant.tenantId, code: 'unit' } })).id;
  }, 180_000);
  afterAll(() => app?.close());

  it('a product gets two barcodes, is found by each in the list and the sale picker, and loses one when it is deleted from the box', async () => {
    const created = await manager.post(
      '/catalog/products',
      form({ sku: 'BC-TAPE', name: 'Duct tape', barcodes: '8400000000106\r\n  8400000000113 \r\n8400000000106' }),
    );
    expect(created.status, created.html.slice(0, 400)).toBe(303);
    const id = idFrom(created.location);
    expect(await codesOf(id)).toEqual(['8400000000106', '8400000000113']);
    expect((await manager.get(created.location!)).html).toContain('8400000000106 · 8400000000113');
    expect(await listed(manager, '8400000000106')).toEqual(['BC-TAPE']);
    expect(await listed(manager, '8400000000113')).toEqual(['BC-TAPE']);
    expect(await picked(manager, '8400000000113')).toEqual(['BC-TAPE']);

    const edit = await manager.get(`/catalog/products/${id}/edit`);
    expect(edit.html).toMatch(/<textarea id="barcodes" name="barcodes"[^>]*>8400000000106\n8400000000113<\/textarea>/);
    const saved = await manager.post(
      `/catalog/products/${id}`,
      form({ sku: 'BC-TAPE', name: 'Duct tape', barcodes: '8400000000113\nabc-7', active: 'on' }),
    );
    expect(saved.status).toBe(303);
    expect(await codesOf(id)).toEqual(['8400000000113', 'ABC-7']);
    const list = await manager.get('/catalog/products?q=8400000000106');
    expect(list.html).toContain('No products match.');
    // Typed in lower case, a code still finds its product (codes are kept upper-cased).
    expect(await listed(manager, 'abc-7')).toEqual(['BC-TAPE']);
  });

  it('a barcode names one product of a business: a second product with it is refused with the owner named; another business may use it', async () => {
    const first = await manager.post('/catalog/products', form({ sku: 'BC-ONE', name: 'First', barcodes: '7000000000017' }));
    expect(first.status).toBe(303);
    const before = await db().product.count({ where: { tenantId: tenant.tenantId } });
    const second = await manager.post(
      '/catalog/products',
      form({ sku: 'BC-TWO', name: 'Second', barcodes: '7000000000024\n7000000000017' }),
    );
    expect(second.status).toBe(409);
    expect(second.html).toContain('id="barcodes-error">Barcode 7000000000017 already belongs to “First” (BC-ONE)');
    expect(second.html).toContain('7000000000024\n7000000000017</textarea>');
    expect(await db().product.count({ where: { tenantId: tenant.tenantId } })).toBe(before);

    const bad = await manager.post('/catalog/products', form({ sku: 'BC-BAD', barcodes: 'has space; not a code' }));
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="barcodes-error">A barcode may hold letters, digits and - only; put one per line');

    const other = await app.createTenantWithOwner();
    const owner = await app.signIn(other.owner.email, other.owner.password);
    expect((await owner.post('/settings/uoms', { code: 'unit', name: 'Unit' })).status).toBe(303);
    const theirUnit = (await db().unit.findFirstOrThrow({ where: { tenantId: other.tenantId } })).id;
    const theirs = await owner.post('/catalog/products', {
      ...form({ sku: 'THEIR-ONE', barcodes: '7000000000017' }),
      unitId: String(theirUnit),
    });
    expect(theirs.status).toBe(303);
    expect(await listed(owner, '7000000000017')).toEqual(['THEIR-ONE']);
    expect(await listed(manager, '7000000000017')).toEqual(['BC-ONE']);
  });

  it('ten products created at once with the same barcode: one gets it, the others are told who has it', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        manager.post('/catalog/products', form({ sku: `RACE-${i}`, name: `Racer ${i}`, barcodes: '6000000000012' })),
      ),
    );
    const created = results.filter((r) => r.status === 303);
    expect(created).toHaveLength(1);
    const winner = await db().product.findFirstOrThrow({ where: { id: idFrom(created[0]!.location) } });
    for (const r of results.filter((x) => x.status !== 303)) {
      expect(r.status).toBe(409);
      expect(r.html).toContain(`id="barcodes-error">Barcode 6000000000012 already belongs to “${winner.name}” (${winner.sku})`);
    }
    expect(await db().product.count({ where: { tenantId: tenant.tenantId, sku: { startsWith: 'RACE-' } } })).toBe(1);
    expect(await db().productBarcode.count({ where: { tenantId: tenant.tenantId, code: '6000000000012' } })).toBe(1);
  });

  it('barcodes go out and come back through CSV in one cell separated by |', async () => {
    const made = await manager.post('/catalog/products', form({ sku: 'CSVB-1', name: 'Saw', barcodes: '5000000000011\n5000000000028' }));
    expect(made.status).toBe(303);
    const exported = await manager.request('GET', '/catalog/products/export.csv?q=csvb-');
    const text = await exported.text();
    expect(text.split('\n')[0]).toBe('sku,name,barcodes,category,unit,price,cost,tax_rate,reorder_level,quantity_on_hand');
    expect(text).toContain('CSVB-1,Saw,5000000000011|5000000000028,,unit,1.00,0.00,,0,5');

    // Changed in a spreadsheet: one barcode dropped, one added; a new product with two; the old header name `barcode` still works.
    const csv =
      'sku,name,barcode,unit,price\nCSVB-1,Saw,5000000000028|5000000000035,unit,1.00\nCSVB-2,Plane,5000000000042|5000000000059,unit,2.00\n';
    const imported = await manager.post('/catalog/products/import', { csv, action: 'import' });
    expect(imported.status, imported.html.slice(0, 500)).toBeLessThan(400);
    const saw = await db().product.findFirstOrThrow({ where: { tenantId: tenant.tenantId, sku: 'CSVB-1' } });
    const plane = await db().product.findFirstOrThrow({ where: { tenantId: tenant.tenantId, sku: 'CSVB-2' } });
    expect(await codesOf(saw.id)).toEqual(['5000000000028', '5000000000035']);
    expect(await codesOf(plane.id)).toEqual(['5000000000042', '5000000000059']);

    // A file without the column leaves barcodes alone.
    expect(
      (await manager.post('/catalog/products/import', { csv: 'sku,name,unit,price\nCSVB-1,Saw,unit,1.50\n', action: 'import' })).status,
    ).toBeLessThan(400);
    expect(await codesOf(saw.id)).toEqual(['5000000000028', '5000000000035']);

    // Another product's barcode, or the same code twice in the file: the row says so and nothing is written.
    const clash =
      'sku,name,barcodes,unit,price\nCSVB-3,Rasp,5000000000042,unit,3.00\nCSVB-4,File,5000000000066,unit,3.00\nCSVB-5,Chisel,5000000000066,unit,3.00\n';
    const refused = await manager.post('/catalog/products/import', { csv: clash, action: 'import' });
    expect(refused.html).toContain('Barcode 5000000000042 already belongs to “Plane” (CSVB-2)');
    expect(refused.html).toContain('Barcode 5000000000066 is also on line 3');
    expect(await db().product.count({ where: { tenantId: tenant.tenantId, sku: { in: ['CSVB-3', 'CSVB-4', 'CSVB-5'] } } })).toBe(0);
  });
});
