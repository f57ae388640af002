import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/db/errors.ts';
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
const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );

describe.each(drivers)('catalog › products on %s', (driver) => {
  const h = setUpCatalogTenant(driver);

  const create = (overrides: Record<string, string> = {}) =>
    h.services.products.create(h.ctx, productForm({ unitId: String(h.lookups.unit.id), ...overrides }));
  const counts = async () => ({ products: await h.ctx.db.product.count(), movements: await h.ctx.db.stockMovement.count() });

  describe('create', () => {
    it('keeps the typed values, the search text and an opening-stock movement', async () => {
      const { id } = await create({
        sku: 'CAF-1',
        name: '  Café Ñandú  ',
        price: '12.5',
        cost: '7',
        openingStock: '10.250',
        categoryId: String(h.lookups.coffee.id),
      });
      const p = await h.services.products.get(h.ctx, id);
      expect([p.name, p.price.toFixed(2), p.cost?.toFixed(2), p.quantityOnHand.toString(), p.category?.name]).toEqual([
        'Café Ñandú',
        '12.50',
        '7.00',
        '10.25',
        'Coffee',
      ]);
      const row = await h.ctx.db.product.findFirstOrThrow({ where: { id } });
      expect(row.searchText).toBe('caf-1 cafe nandu');
      const { movements } = await h.services.stock.movements(h.ctx, id);
      expect(movements.map((m) => [m.kind, m.quantity.toString(), m.reason])).toEqual([['receipt', '10.25', 'Opening stock']]);
    });

    it.each([
      ['empty name', { name: '   ' }, 'name', 'Name is required'],
      ['too long name', { name: 'x'.repeat(201) }, 'name', 'Name must be at most 200 characters'],
      ['empty SKU', { sku: '' }, 'sku', 'SKU is required'],
      ['SKU with spaces', { sku: 'A B' }, 'sku', 'SKU may hold'],
      ['too long SKU', { sku: 'A'.repeat(41) }, 'sku', 'at most 40'],
      ['negative price', { price: '-1' }, 'price', 'Price cannot be negative'],
      ['price with 3 decimals', { price: '1.005' }, 'price', 'at most 2 decimals'],
      ['non-numeric price', { price: 'abc' }, 'price', 'Price must be a number'],
      ['empty price', { price: '' }, 'price', 'Price is required'],
      ['huge price', { price: '1234567890123' }, 'price', 'Price is too large'],
      ['negative cost', { cost: '-0.01' }, 'cost', 'Cost cannot be negative'],
      ['reorder level with 4 decimals', { reorderLevel: '1.0001' }, 'reorderLevel', 'at most 3 decimals'],
      ['opening stock non-numeric', { openingStock: '1e3' }, 'openingStock', 'must be a number'],
      ['tax rate over 100', { taxRate: '101' }, 'taxRate', 'Tax rate cannot be over 100%'],
      ['no unit', { unitId: '' }, 'unitId', 'Choose a unit'],
      ['unknown category', { categoryId: '999999' }, 'categoryId', 'Choose a category from the list'],
      ['unknown unit', { unitId: '999999' }, 'unitId', 'Choose a unit from the list'],
    ])('refuses %s with a field message and writes nothing', async (_label, overrides, field, message) => {
      const before = await counts();
      const error = await fail(create(overrides));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field]).toContain(message);
      expect(await counts()).toEqual(before);
    });

    it("refuses another tenant's category and unit as unknown", async () => {
      const other = await h.tenant();
      const theirs = await seedLookups(h.services, other);
      const error = await fail(create({ categoryId: String(theirs.food.id), unitId: String(theirs.kg.id) }));
      expect((error as ValidationError).fields).toEqual({
        categoryId: 'Choose a category from the list',
        unitId: 'Choose a unit from the list',
      });
    });

    it('refuses a duplicate SKU with a field message, not a database error', async () => {
      await create({ sku: 'DUP-1' });
      const before = await counts();
      const error = await fail(create({ sku: 'DUP-1', openingStock: '3' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).fields.sku).toBe('A product with SKU “DUP-1” already exists');
      expect(await counts()).toEqual(before);
    });
  });

  describe('update and soft delete', () => {
    it('edits a price and keeps the search text in step', async () => {
      const { id } = await create({ sku: 'ED-1', name: 'Old name', price: '5.00' });
      await h.services.products.update(h.ctx, id, {
        ...productForm({ sku: 'ED-1', name: 'Nuevo Jalapeño', price: '6.75', unitId: String(h.lookups.kg.id) }),
        active: 'on',
      });
      const p = await h.services.products.get(h.ctx, id);
      expect([p.name, p.price.toFixed(2), p.unit.code]).toEqual(['Nuevo Jalapeño', '6.75', 'kg']);
      const { value } = await h.services.productList.list(h.ctx, query({ q: 'JALAPENO' }));
      expect(value.rows.map((r) => r.id)).toEqual([id]);
    });

    it('deletes softly: gone from the list, kept with its movements', async () => {
      const { id } = await create({ sku: 'DEL-1', name: 'Doomed', openingStock: '2' });
      await h.services.products.deactivate(h.ctx, id);
      expect((await h.services.products.get(h.ctx, id)).active).toBe(false);
      expect((await h.services.productList.list(h.ctx, query({ q: 'del-1' }))).value.total).toBe(0);
      expect((await h.services.stock.movements(h.ctx, id)).movements).toHaveLength(1);
    });

    it("answers not found for another tenant's product", async () => {
      const other = await h.tenant();
      const theirs = await seedLookups(h.services, other);
      const { id } = await h.services.products.create(other, productForm({ unitId: String(theirs.unit.id) }));
      await expect(h.services.products.get(h.ctx, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        h.services.products.update(h.ctx, id, { ...productForm({ unitId: String(h.lookups.unit.id) }), active: 'on' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(h.services.products.deactivate(h.ctx, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(h.services.stock.adjust(h.ctx, id, { kind: 'receipt', quantity: '1' })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('stock adjustments', () => {
    it('writes a movement with each change; the movements add up to the quantity on hand', async () => {
      const { id } = await create({ sku: 'STK-1', openingStock: '5' });
      await h.services.stock.adjust(h.ctx, id, { kind: 'receipt', quantity: '2.5', reason: '' });
      await h.services.stock.adjust(h.ctx, id, { kind: 'adjustment', quantity: '-1.125', reason: 'Broken' });
      const p = await h.services.products.get(h.ctx, id);
      expect(p.quantityOnHand.toString()).toBe('6.375');
      const { movements } = await h.services.stock.movements(h.ctx, id);
      expect(movements.map((m) => [m.kind, m.quantity.toString(), m.reason, m.user?.email !== undefined])).toEqual([
        ['adjustment', '-1.125', 'Broken', true],
        ['receipt', '2.5', null, true],
        ['receipt', '5', 'Opening stock', true],
      ]);
      const sum = await h.ctx.db.stockMovement.aggregate({ where: { productId: id }, _sum: { quantity: true } });
      expect(sum._sum.quantity?.toString()).toBe(p.quantityOnHand.toString());
    });

    it('refuses to go below zero with a friendly message and writes nothing', async () => {
      const { id } = await create({ sku: 'STK-2', openingStock: '3' });
      const before = await counts();
      const error = await fail(h.services.stock.adjust(h.ctx, id, { kind: 'adjustment', quantity: '-3.001', reason: 'Count' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).fields.quantity).toBe('Only 3 unit in stock: a change of -3.001 would take it below zero.');
      expect(await counts()).toEqual(before);
      expect((await h.services.products.get(h.ctx, id)).quantityOnHand.toString()).toBe('3');
    });

    it('never lets two concurrent corrections take stock below zero', async () => {
      const { id } = await create({ sku: 'STK-3', openingStock: '10' });
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => h.services.stock.adjust(h.ctx, id, { kind: 'adjustment', quantity: '-4', reason: 'Race' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect((await h.services.products.get(h.ctx, id)).quantityOnHand.toString()).toBe('2');
      expect((await h.services.stock.movements(h.ctx, id)).movements).toHaveLength(3);
    });

    it.each([
      [{ kind: 'adjustment', quantity: '-1', reason: '' }, 'reason', 'Reason is required'],
      [{ kind: 'receipt', quantity: '0' }, 'quantity', 'Quantity received must be more than 0'],
      [{ kind: 'receipt', quantity: '-2' }, 'quantity', 'cannot be negative'],
      [{ kind: 'adjustment', quantity: '0', reason: 'x' }, 'quantity', 'cannot be zero'],
      [{ kind: 'adjustment', quantity: '1.0001', reason: 'x' }, 'quantity', 'at most 3 decimals'],
      [{ kind: 'theft', quantity: '1' }, 'kind', 'Choose receipt or correction'],
    ])('refuses %j', async (input, field, message) => {
      const { id } = await create({ openingStock: '1' });
      const error = await fail(h.services.stock.adjust(h.ctx, id, input));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field]).toContain(message);
    });
  });
});
