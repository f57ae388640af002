import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductListQuery } from '../../src/catalog/products.schema.ts';
import type { Scope } from '../../src/db/scope.ts';
import { drivers } from '../helpers/database.ts';
import { rawRedis } from '../helpers/redis.ts';
import { catalogHarness, productForm, seedLookups, type CatalogHarness } from './support.ts';

// Lookups and list pages go through the cache service: keys in the documented layout with
// the configured TTLs, and after every kind of change the next read of each affected module
// is a MISS with the new data, while unaffected modules and other tenants still HIT.

const query = (q: Partial<ProductListQuery> = {}): ProductListQuery => ({
  q: '',
  category: undefined,
  stock: 'all',
  sort: 'name',
  page: 1,
  ...q,
});
type Module = 'products' | 'categories' | 'uom';

describe.each(drivers)('catalog › caching on %s', (driver) => {
  let h: CatalogHarness;
  const raw = rawRedis();
  afterAll(() => raw.quit());

  beforeAll(async () => {
    h = await catalogHarness(driver);
  });
  afterAll(() => h?.close());

  const scanKeys = async (pattern: string) => {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
    return out;
  };
  const readAll = async (ctx: Scope) => {
    const [products, categories, uom] = await Promise.all([
      h.services.productList.list(ctx, query()),
      h.services.categories.tree(ctx),
      h.services.uoms.list(ctx),
    ]);
    return { products, categories, uom };
  };
  const statuses = async (ctx: Scope) => {
    const r = await readAll(ctx);
    return { products: r.products.status, categories: r.categories.status, uom: r.uom.status };
  };

  it('stores list pages and lookups under <prefix>:tenant:{<id>}:<module>: with the configured TTLs', async () => {
    const ctx = await h.tenant();
    const l = await seedLookups(h.services, ctx);
    await h.services.products.create(ctx, productForm({ unitId: String(l.unit.id) }));
    expect(await statuses(ctx)).toEqual({ products: 'MISS', categories: 'MISS', uom: 'MISS' });
    expect(await statuses(ctx)).toEqual({ products: 'HIT', categories: 'HIT', uom: 'HIT' });
    // The space is escaped once (%20): the store keeps what keyOf built.
    await h.services.productList.list(ctx, query({ q: 'Crème brûlée', stock: 'low', sort: '-price', page: 2, category: l.coffee.id }));
    const keys = (await scanKeys(`${h.config.keyPrefix}:tenant:{${ctx.tenantId}}:*`)).sort();
    const base = `${h.config.keyPrefix}:tenant:{${ctx.tenantId}}`;
    expect(keys).toEqual(
      [
        `${base}:categories:tree`,
        `${base}:products:list::all:all:name:1`,
        `${base}:products:list:creme%20brulee:${l.coffee.id}:low:-price:2`,
        `${base}:uom:all`,
      ].sort(),
    );
    for (const [module, ttl] of [
      ['products', h.config.ttl.products],
      ['categories', h.config.ttl.categories],
      ['uom', h.config.ttl.uom],
    ] as const) {
      // Stored as <generation>;<freshUntil ms>;<kind>;<json>; Redis keeps it for the stale grace beyond that.
      const key = keys.find((k) => k.startsWith(`${base}:${module}:`))!;
      const freshMs = Number((await raw.get(key))!.split(';')[1]) - Date.now();
      expect(freshMs, `${module} TTL`).toBeGreaterThan(ttl * 1000 * 0.9 - 2000);
      expect(freshMs, `${module} TTL`).toBeLessThanOrEqual(ttl * 1000 * 1.1);
      const pttl = await raw.pttl(key);
      expect(pttl, `${module} expiry`).toBeGreaterThanOrEqual(freshMs);
      expect(pttl, `${module} expiry`).toBeLessThanOrEqual(ttl * 1000 * 1.1 + h.config.staleGrace * 1000);
    }
  });

  describe('after each kind of change', () => {
    interface Shop {
      ctx: Scope;
      lookups: Awaited<ReturnType<typeof seedLookups>>;
      productId: number;
    }
    const shop = async (): Promise<Shop> => {
      const ctx = await h.tenant();
      const lookups = await seedLookups(h.services, ctx);
      const { id } = await h.services.products.create(
        ctx,
        productForm({
          sku: 'P-1',
          name: 'Original',
          price: '1.00',
          unitId: String(lookups.unit.id),
          categoryId: String(lookups.coffee.id),
          openingStock: '5',
        }),
      );
      return { ctx, lookups, productId: id };
    };

    const cases: Array<[string, Module[], (s: Shop) => Promise<unknown>, (s: Shop, r: Awaited<ReturnType<typeof readAll>>) => void]> = [
      [
        'a product is created',
        ['products'],
        (s) => h.services.products.create(s.ctx, productForm({ sku: 'P-2', unitId: String(s.lookups.unit.id) })),
        (_s, r) => expect(r.products.value.total).toBe(2),
      ],
      [
        'a product is edited',
        ['products'],
        (s) =>
          h.services.products.update(s.ctx, s.productId, {
            ...productForm({ sku: 'P-1', name: 'Renamed', price: '2.50', unitId: String(s.lookups.unit.id) }),
            active: 'on',
          }),
        (_s, r) => expect([r.products.value.rows[0]!.name, r.products.value.rows[0]!.price.toFixed(2)]).toEqual(['Renamed', '2.50']),
      ],
      [
        'a product is deleted',
        ['products'],
        (s) => h.services.products.deactivate(s.ctx, s.productId),
        (_s, r) => expect(r.products.value.total).toBe(0),
      ],
      [
        'stock is adjusted',
        ['products'],
        (s) => h.services.stock.adjust(s.ctx, s.productId, { kind: 'receipt', quantity: '3' }),
        (_s, r) => expect(r.products.value.rows[0]!.quantityOnHand.toString()).toBe('8'),
      ],
      [
        'products are imported',
        ['products'],
        (s) => h.services.productImport.import(s.ctx, 'sku,name,unit,price\nP-1,Imported,unit,9.99\nP-3,New,kg,1'),
        (_s, r) =>
          expect(r.products.value.rows.map((p) => [p.sku, p.name, p.price.toFixed(2)])).toEqual([
            ['P-1', 'Imported', '9.99'],
            ['P-3', 'New', '1.00'],
          ]),
      ],
      [
        'a category is created',
        ['categories', 'products'],
        (s) => h.services.categories.create(s.ctx, { name: 'Tea', parentId: String(s.lookups.drinks.id) }),
        (_s, r) => expect(r.categories.value.map((c) => c.path)).toContain('Drinks › Tea'),
      ],
      [
        'a category is renamed',
        ['categories', 'products'],
        (s) => h.services.categories.update(s.ctx, s.lookups.coffee.id, { name: 'Cafés', parentId: String(s.lookups.drinks.id) }),
        (_s, r) => {
          expect(r.categories.value.map((c) => c.name)).toContain('Cafés');
          expect(r.products.value.rows[0]!.category).toBe('Cafés');
        },
      ],
      [
        'a category is deleted',
        ['categories', 'products'],
        (s) => h.services.categories.delete(s.ctx, s.lookups.food.id),
        (_s, r) => expect(r.categories.value.map((c) => c.name)).not.toContain('Food'),
      ],
      [
        'a unit is created',
        ['uom', 'products'],
        (s) => h.services.uoms.create(s.ctx, { code: 'box', name: 'Box' }),
        (_s, r) => expect(r.uom.value.map((u) => u.code)).toContain('box'),
      ],
      [
        'a unit is edited',
        ['uom', 'products'],
        (s) => h.services.uoms.update(s.ctx, s.lookups.unit.id, { code: 'ea', name: 'Each' }),
        (_s, r) => {
          expect(r.uom.value.map((u) => u.code)).toContain('ea');
          expect(r.products.value.rows[0]!.unit).toBe('ea');
        },
      ],
      [
        'a unit is deleted',
        ['uom', 'products'],
        (s) => h.services.uoms.delete(s.ctx, s.lookups.kg.id),
        (_s, r) => expect(r.uom.value.map((u) => u.code)).toEqual(['unit']),
      ],
      [
        'business settings change',
        ['products'],
        (s) => h.services.business.update(s.ctx, { name: 'New name', currency: 'EUR', timeZone: 'Europe/Madrid', defaultTaxRate: '21' }),
        () => {},
      ],
    ];

    it.each(cases)(
      'when %s, the next read of %j is a MISS with the new data; other tenants still HIT',
      async (_what, affected, change, check) => {
        const mine = await shop();
        const theirs = await shop();
        await statuses(mine.ctx);
        await statuses(theirs.ctx);
        expect(await statuses(mine.ctx)).toEqual({ products: 'HIT', categories: 'HIT', uom: 'HIT' });
        await change(mine);
        const after = await readAll(mine.ctx);
        const expected = Object.fromEntries(
          (['products', 'categories', 'uom'] as const).map((m) => [m, affected.includes(m) ? 'MISS' : 'HIT']),
        );
        expect({ products: after.products.status, categories: after.categories.status, uom: after.uom.status }).toEqual(expected);
        check(mine, after);
        expect(await statuses(theirs.ctx)).toEqual({ products: 'HIT', categories: 'HIT', uom: 'HIT' });
      },
    );
  });
});
