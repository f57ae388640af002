import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/catalog/product-list.service.ts';
import type { ProductListQuery } from '../../src/catalog/products.schema.ts';
import { drivers } from '../helpers/database.ts';
import { productForm, seedLookups, setUpCatalogTenant } from './support.ts';

const query = (q: Partial<ProductListQuery> = {}): ProductListQuery => ({
  q: '',
  category: undefined,
  stock: 'all',
  sort: 'name',
  page: 1,
  ...q,
});

describe.each(drivers)('catalog › product list on %s', (driver) => {
  const h = setUpCatalogTenant(driver);

  beforeAll(async () => {
    const add = (sku: string, name: string, o: Record<string, string> = {}) =>
      h.services.products.create(h.ctx, productForm({ sku, name, unitId: String(h.lookups.unit.id), ...o }));
    await add('ESP-01', 'Espresso Crème', {
      categoryId: String(h.lookups.coffee.id),
      openingStock: '20',
      reorderLevel: '5',
      price: '3.50',
    });
    await add('LAT-02', 'Café Latte', { categoryId: String(h.lookups.coffee.id), openingStock: '4', reorderLevel: '5', price: '4.00' });
    await add('WAT-03', 'Water 50% off', { categoryId: String(h.lookups.drinks.id), openingStock: '0', reorderLevel: '0', price: '1.00' });
    await add('BRD-04', 'Bread', { categoryId: String(h.lookups.food.id), openingStock: '7', reorderLevel: '7', price: '2.25' });
    await add('W_X-05', 'Wax', { openingStock: '1', price: '9.99' });
  });

  const skus = async (q: Partial<ProductListQuery>) => (await h.services.productList.list(h.ctx, query(q))).value.rows.map((r) => r.sku);

  describe('search', () => {
    it('matches SKU or name, ignoring case and accents', async () => {
      expect(await skus({ q: 'CAFE' })).toEqual(['LAT-02']);
      expect(await skus({ q: 'créme' })).toEqual(['ESP-01']);
      expect(await skus({ q: 'esp-0' })).toEqual(['ESP-01']);
      expect(await skus({ q: '  espresso   CREME ' })).toEqual(['ESP-01']);
    });

    it('treats % and _ as text, not wildcards', async () => {
      expect(await skus({ q: '50%' })).toEqual(['WAT-03']);
      expect(await skus({ q: 'w_x' })).toEqual(['W_X-05']);
      expect(await skus({ q: '%' })).toEqual(['WAT-03']);
    });
  });

  describe('filters and counts', () => {
    it('low = at or below the reorder level (out included); out = nothing on hand', async () => {
      const { value } = await h.services.productList.list(h.ctx, query({ stock: 'low' }));
      expect(value.rows.map((r) => [r.sku, r.state])).toEqual([
        ['BRD-04', 'low'],
        ['LAT-02', 'low'],
        ['WAT-03', 'out'],
      ]);
      expect(value.counts).toEqual({ all: 5, low: 3, out: 1 });
      expect(await skus({ stock: 'out' })).toEqual(['WAT-03']);
    });

    it('a category includes its subcategories', async () => {
      expect(await skus({ category: h.lookups.drinks.id, sort: 'sku' })).toEqual(['ESP-01', 'LAT-02', 'WAT-03']);
      expect(await skus({ category: h.lookups.coffee.id, sort: 'sku' })).toEqual(['ESP-01', 'LAT-02']);
      const { value } = await h.services.productList.list(h.ctx, query({ category: h.lookups.coffee.id, stock: 'low' }));
      expect([value.counts, value.rows.map((r) => r.category)]).toEqual([{ all: 2, low: 1, out: 0 }, ['Coffee']]);
    });

    it('sorts by price and by stock', async () => {
      expect(await skus({ sort: 'price' })).toEqual(['WAT-03', 'BRD-04', 'ESP-01', 'LAT-02', 'W_X-05']);
      expect(await skus({ sort: '-stock' })).toEqual(['ESP-01', 'BRD-04', 'LAT-02', 'W_X-05', 'WAT-03']);
    });
  });

  describe('pagination', () => {
    it('pages of 25 in a stable order even when the sort key ties', async () => {
      const other = await h.tenant();
      const l = await seedLookups(h.services, other);
      for (let i = 0; i < 60; i++)
        await h.services.products.create(
          other,
          productForm({ sku: `T-${String(i).padStart(2, '0')}`, name: 'Same name', price: '1.00', unitId: String(l.unit.id) }),
        );
      const pages = [];
      for (let page = 1; page <= 3; page++) pages.push((await h.services.productList.list(other, query({ page }))).value);
      expect(pages.map((p) => p.rows.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 10]);
      expect(pages.map((p) => p.pageCount)).toEqual([3, 3, 3]);
      const ids = pages.flatMap((p) => p.rows.map((r) => r.id));
      expect(new Set(ids).size).toBe(60);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      // A page past the end shows the last page.
      expect((await h.services.productList.list(other, query({ page: 99 }))).value.page).toBe(3);
    });
  });
});
