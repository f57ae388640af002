import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/db/errors.ts';
import type { Scope } from '../../src/db/scope.ts';
import { drivers } from '../helpers/database.ts';
import { catalogHarness, productForm, type CatalogHarness } from '../catalog/support.ts';

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );

describe.each(drivers)('settings on %s', (driver) => {
  let h: CatalogHarness;
  let ctx: Scope;

  beforeAll(async () => {
    h = await catalogHarness(driver);
    ctx = await h.tenant();
  });
  afterAll(() => h?.close());

  describe('units of measure', () => {
    it('creates, edits and lists by code', async () => {
      const box = await h.services.uoms.create(ctx, { code: ' box ', name: 'Box' });
      await h.services.uoms.create(ctx, { code: 'ea', name: 'Each' });
      await h.services.uoms.update(ctx, box.id, { code: 'box12', name: 'Box of 12' });
      expect((await h.services.uoms.list(ctx)).value.map((u) => [u.code, u.name])).toEqual([
        ['box12', 'Box of 12'],
        ['ea', 'Each'],
      ]);
    });

    it.each([
      [{ code: '', name: 'X' }, 'code', 'Code is required'],
      [{ code: 'k g', name: 'X' }, 'code', 'no spaces'],
      [{ code: 'x'.repeat(17), name: 'X' }, 'code', 'at most 16'],
      [{ code: 'ok', name: '' }, 'name', 'Name is required'],
      [{ code: 'ok', name: 'n'.repeat(61) }, 'name', 'at most 60'],
    ])('refuses %j', async (input, field, message) => {
      const before = await ctx.db.unit.count();
      const error = await fail(h.services.uoms.create(ctx, input));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field]).toContain(message);
      expect(await ctx.db.unit.count()).toBe(before);
    });

    it('refuses a duplicate code with a friendly message; another tenant may use it', async () => {
      await h.services.uoms.create(ctx, { code: 'kg', name: 'Kilogram' });
      const error = await fail(h.services.uoms.create(ctx, { code: 'kg', name: 'Kilo' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).fields.code).toBe('A unit with code “kg” already exists');
      const other = await h.tenant();
      await expect(h.services.uoms.create(other, { code: 'kg', name: 'Kilogram' })).resolves.toMatchObject({ code: 'kg' });
    });

    it('refuses to delete a unit in use, naming how many products use it', async () => {
      const unit = await h.services.uoms.create(ctx, { code: 'pack', name: 'Pack' });
      for (let i = 0; i < 2; i++) await h.services.products.create(ctx, productForm({ unitId: String(unit.id) }));
      const error = await fail(h.services.uoms.delete(ctx, unit.id));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toBe('Unit “pack” cannot be deleted: 2 products use it. Move them to another unit first.');
      expect(await ctx.db.unit.count({ where: { id: unit.id } })).toBe(1);
      const unused = await h.services.uoms.create(ctx, { code: 'spare', name: 'Spare' });
      await h.services.uoms.delete(ctx, unused.id);
      expect(await ctx.db.unit.count({ where: { id: unused.id } })).toBe(0);
    });
  });

  describe('categories', () => {
    it('lists a tree: parents before children, siblings by name, with depth and path', async () => {
      const other = await h.tenant();
      const drinks = await h.services.categories.create(other, { name: 'Drinks' });
      const food = await h.services.categories.create(other, { name: 'Food' });
      await h.services.categories.create(other, { name: 'Tea', parentId: String(drinks.id) });
      const coffee = await h.services.categories.create(other, { name: 'Coffee', parentId: String(drinks.id) });
      await h.services.categories.create(other, { name: 'Beans', parentId: String(coffee.id) });
      await h.services.categories.create(other, { name: 'Apples', parentId: String(food.id) });
      const { value } = await h.services.categories.tree(other);
      expect(value.map((c) => [c.depth, c.path])).toEqual([
        [0, 'Drinks'],
        [1, 'Drinks › Coffee'],
        [2, 'Drinks › Coffee › Beans'],
        [1, 'Drinks › Tea'],
        [0, 'Food'],
        [1, 'Food › Apples'],
      ]);
    });

    it('refuses a parent that would make a cycle, and an unknown or foreign parent', async () => {
      const a = await h.services.categories.create(ctx, { name: 'A' });
      const b = await h.services.categories.create(ctx, { name: 'B', parentId: String(a.id) });
      const cycle = await fail(h.services.categories.update(ctx, a.id, { name: 'A', parentId: String(b.id) }));
      expect((cycle as ValidationError).fields.parentId).toContain('under itself');
      const self = await fail(h.services.categories.update(ctx, a.id, { name: 'A', parentId: String(a.id) }));
      expect((self as ValidationError).fields.parentId).toContain('under itself');
      const other = await h.tenant();
      const foreign = await h.services.categories.create(other, { name: 'Foreign' });
      const error = await fail(h.services.categories.create(ctx, { name: 'C', parentId: String(foreign.id) }));
      expect((error as ValidationError).fields.parentId).toBe('Choose a parent category from the list');
    });

    it('refuses a duplicate name and an empty or too long one', async () => {
      await h.services.categories.create(ctx, { name: 'Snacks' });
      expect(((await fail(h.services.categories.create(ctx, { name: 'Snacks' }))) as ConflictError).fields.name).toBe(
        'A category named “Snacks” already exists',
      );
      expect(((await fail(h.services.categories.create(ctx, { name: ' ' }))) as ValidationError).fields.name).toBe('Name is required');
      expect(((await fail(h.services.categories.create(ctx, { name: 'x'.repeat(81) }))) as ValidationError).fields.name).toBe(
        'Name must be at most 80 characters',
      );
    });

    it('refuses to delete a category with products or subcategories', async () => {
      const unit = await h.services.uoms.create(ctx, { code: 'cat-u', name: 'U' });
      const parent = await h.services.categories.create(ctx, { name: 'Parent' });
      const child = await h.services.categories.create(ctx, { name: 'Child', parentId: String(parent.id) });
      await h.services.products.create(ctx, productForm({ unitId: String(unit.id), categoryId: String(child.id) }));
      expect(((await fail(h.services.categories.delete(ctx, child.id))) as Error).message).toBe(
        'Category “Child” cannot be deleted: 1 product uses it. Move it to another category first.',
      );
      expect(((await fail(h.services.categories.delete(ctx, parent.id))) as Error).message).toBe(
        'Category “Parent” cannot be deleted: it has 1 subcategory. Move it to another category first.',
      );
      expect(await ctx.db.category.count({ where: { id: { in: [parent.id, child.id] } } })).toBe(2);
    });
  });

  describe('business settings', () => {
    it('saves name, currency, time zone and default tax rate; refuses bad values', async () => {
      await h.services.business.update(ctx, {
        name: 'Panadería Sol',
        currency: 'ars',
        timeZone: 'America/Sao_Paulo',
        defaultTaxRate: '21',
      });
      const s = await h.services.business.get(ctx);
      expect([s.name, s.currency, s.timeZone, s.defaultTaxRate.toString()]).toEqual(['Panadería Sol', 'ARS', 'America/Sao_Paulo', '21']);
      const error = await fail(
        h.services.business.update(ctx, { name: '', currency: 'EURO', timeZone: 'Mars/Base', defaultTaxRate: '-1' }),
      );
      expect(Object.keys((error as ValidationError).fields).sort()).toEqual(['currency', 'defaultTaxRate', 'name', 'timeZone']);
      expect((await h.services.business.get(ctx)).name).toBe('Panadería Sol');
    });
  });
});
