import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// A business in Spain over HTTP: it chooses es-ES in its settings; from then on prices,
// quantities and discounts are typed with a decimal comma, an ambiguous number is refused
// with its message, and pages, edit forms and the sale form's preview write numbers the
// Spanish way.

describe('numbers typed and shown in the business’s locale', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let owner: TestClient;
  let unitId: number;
  const db = () => app.deps.db.prisma;
  const product = (o: Record<string, string>) => ({
    sku: `ES-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Tornillos',
    barcode: '',
    categoryId: '',
    unitId: String(unitId),
    cost: '',
    taxRate: '',
    reorderLevel: '',
    openingStock: '',
    ...o,
  });

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false, env: { RATE_LIMIT_POSTS_PER_MINUTE: '100000' } });
    tenant = await app.createTenantWithOwner();
    owner = await app.signIn(tenant.owner.email, tenant.owner.password);
    expect((await owner.post('/settings/uoms', { code: 'kg', name: 'Kilo' })).status).toBe(303);
    unitId = (await db().unit.findFirstOrThrow({ where: { tenantId: tenant.tenantId, code: 'kg' } })).id;
    // Sent in English (the form was shown in English): "21.5" is read as the business wrote it then.
    const saved = await owner.post('/settings/business', {
      name: 'Ferretería',
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
      locale: 'es-ES',
      defaultTaxRate: '21.5',
    });
    expect(saved.status).toBe(303);
  }, 180_000);
  afterAll(() => app?.close());

  it('the settings page offers the locale and shows decimals with a comma', async () => {
    const page = await owner.get('/settings/business');
    expect(page.html).toContain('<option value="es-ES" selected>');
    expect(page.html).toContain('value="21,5"');
    const t = await db().tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } });
    expect([t.locale, t.defaultTaxRate.toFixed(2)]).toEqual(['es-ES', '21.50']);
  });

  it('accepts 89,95 and 1.234,5; refuses 1.234 as ambiguous and 89.95 as the other convention; nothing written then', async () => {
    const created = await owner.post('/catalog/products', product({ price: '1.234,50', openingStock: '1,5', reorderLevel: '0,25' }));
    expect(created.status).toBe(303);
    const id = Number(/\/(\d+)$/.exec(created.location ?? '')?.[1]);
    const p = await db().product.findUniqueOrThrow({ where: { id } });
    expect([p.price.toFixed(2), p.quantityOnHand.toFixed(3), p.reorderLevel.toFixed(3)]).toEqual(['1234.50', '1.500', '0.250']);
    const show = await owner.get(`/catalog/products/${id}`);
    expect(show.html).toContain('1234,50\u00a0€');
    const edit = await owner.get(`/catalog/products/${id}/edit`);
    expect(edit.html).toContain('value="1234,50"');
    expect(edit.html).toContain('value="0,25"');
    // The edit form sent back unchanged reads the same.
    const again = await owner.post(
      `/catalog/products/${id}`,
      product({ sku: p.sku, price: '1234,50', reorderLevel: '0,25', active: 'on' }),
    );
    expect(again.status).toBe(303);
    expect((await db().product.findUniqueOrThrow({ where: { id } })).price.toFixed(2)).toBe('1234.50');

    const before = await db().product.count({ where: { tenantId: tenant.tenantId } });
    const ambiguous = await owner.post('/catalog/products', product({ price: '1.234' }));
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.html).toContain('Price: “1.234” could be 1234 or 1,234');
    const dotted = await owner.post('/catalog/products', product({ price: '89.95' }));
    expect(dotted.status).toBe(422);
    expect(dotted.html).toContain('Price must be a number (decimals after “,”)');
    expect(await db().product.count({ where: { tenantId: tenant.tenantId } })).toBe(before);
    expect((await owner.post('/catalog/products', product({ price: '89,95' }))).status).toBe(303);
  });

  it('the sale form reads a decimal-comma quantity and discount, and its preview writes the totals as the pages do', async () => {
    const created = await owner.post('/catalog/products', product({ price: '10,00', openingStock: '10' }));
    const id = Number(/\/(\d+)$/.exec(created.location ?? '')?.[1]);
    const res = await owner.post('/sales/preview', {
      'lines[0][productId]': String(id),
      'lines[0][product]': '',
      'lines[0][quantity]': '1,5',
      'lines[0][discountPct]': '10,5',
      'lines[0][taxRate]': '0',
    });
    expect(res.status).toBe(200);
    const preview = JSON.parse(res.html) as { total: string; amount: string; errors: Record<string, string> };
    expect(preview.errors).toEqual({});
    // 1,5 × 10,00 − 10,5 % = 13,43
    expect([preview.amount, preview.total]).toEqual(['13.43', '13,43\u00a0€']);
    const form = await owner.get('/sales/new');
    expect(form.html).toContain('data-locale="es-ES"');
  });
});
