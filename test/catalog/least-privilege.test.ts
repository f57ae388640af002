import { beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/db/scope.ts';
import { ForbiddenError, PermissionError } from '../../src/db/errors.ts';
import { drivers } from '../helpers/database.ts';
import { productForm, setUpCatalogTenant } from './support.ts';

// The catalog services refuse what the permission table does not give the caller's role,
// called directly with a staff (or manager) context: no router in between.

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  );

describe.each(drivers)('catalog › least privilege on %s', (driver) => {
  const h = setUpCatalogTenant(driver);
  let staff: Scope;
  let manager: Scope;
  beforeAll(async () => {
    staff = await h.userIn(h.ctx, 'staff');
    manager = await h.userIn(h.ctx, 'manager');
  });

  /** A product made by the owner: price 94.50, cost 40.00, 10 on hand. */
  const product = async () => {
    const form = productForm({ unitId: String(h.lookups.unit.id), price: '94.50', cost: '40.00', openingStock: '10' });
    const { id } = await h.services.products.create(h.ctx, form);
    return { id, form };
  };
  const edit = ({ form }: { form: Record<string, string> }, fields: Record<string, string | undefined>) => {
    const sent: Record<string, string | undefined> = { ...form, active: 'on', ...fields };
    delete sent.openingStock;
    return Object.fromEntries(Object.entries(sent).filter(([, v]) => v !== undefined));
  };
  const row = (id: number) => h.ctx.db.product.findFirstOrThrow({ where: { id } });
  const auditCount = () => h.ctx.db.auditEntry.count();

  describe('staff editing a product', () => {
    it('keeps price, cost and active as stored when the form does not send them, and saves the rest', async () => {
      const p = await product();
      await h.services.products.update(staff, p.id, edit(p, { name: 'Renamed', price: undefined, cost: undefined, active: undefined }));
      const r = await row(p.id);
      expect([r.name, r.price.toFixed(2), r.cost.toFixed(2), r.active]).toEqual(['Renamed', '94.50', '40.00', true]);
    });

    it('refuses a different price on the price field (94.50 → 9.99) and writes nothing', async () => {
      const p = await product();
      const audits = await auditCount();
      const error = await fail(h.services.products.update(staff, p.id, edit(p, { name: 'Changed', price: '9.99', cost: undefined })));
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as PermissionError).fields).toEqual({ price: 'Only managers and owners can change the price.' });
      const r = await row(p.id);
      expect([r.name, r.price.toFixed(2)]).toEqual([`Thing`, '94.50']);
      expect(await auditCount()).toBe(audits);
    });

    it('accepts the same price sent back unchanged (94.5 is 94.50)', async () => {
      const p = await product();
      await h.services.products.update(staff, p.id, edit(p, { price: '94.5', cost: undefined }));
      expect((await row(p.id)).price.toFixed(2)).toBe('94.50');
    });

    it('refuses a different cost on the cost field', async () => {
      const p = await product();
      const error = await fail(h.services.products.update(staff, p.id, edit(p, { price: undefined, cost: '1.00' })));
      expect((error as PermissionError).fields).toEqual({ cost: 'Only managers and owners can change the cost.' });
      expect((await row(p.id)).cost.toFixed(2)).toBe('40.00');
    });

    it('cannot deactivate by leaving out the active field, nor with an explicit off, nor reactivate', async () => {
      const p = await product();
      await h.services.products.update(staff, p.id, edit(p, { price: undefined, cost: undefined, active: undefined }));
      expect((await row(p.id)).active).toBe(true);
      const error = await fail(h.services.products.update(staff, p.id, edit(p, { price: undefined, cost: undefined, active: '' })));
      expect((error as PermissionError).fields.active).toMatch(/Only managers and owners/);
      expect((await row(p.id)).active).toBe(true);
      await h.services.products.deactivate(h.ctx, p.id);
      await fail(h.services.products.update(staff, p.id, edit(p, { price: undefined, cost: undefined, active: 'on' })));
      expect((await row(p.id)).active).toBe(false);
    });

    it('cannot delete a product', async () => {
      const p = await product();
      expect(await fail(h.services.products.deactivate(staff, p.id))).toBeInstanceOf(ForbiddenError);
      expect((await row(p.id)).active).toBe(true);
    });

    it('creates a product with its first price, but not with a cost', async () => {
      const { id } = await h.services.products.create(staff, productForm({ unitId: String(h.lookups.unit.id), price: '3.00' }));
      expect((await row(id)).cost.toFixed(2)).toBe('0.00');
      const error = await fail(
        h.services.products.create(staff, productForm({ unitId: String(h.lookups.unit.id), price: '3.00', cost: '1.50' })),
      );
      expect((error as PermissionError).fields).toEqual({ cost: 'Only managers and owners can change the cost.' });
    });
  });

  describe('a manager editing a product', () => {
    it('changes price and cost, and leaving out active deactivates (the checkbox unticked)', async () => {
      const p = await product();
      await h.services.products.update(manager, p.id, edit(p, { price: '9.99', cost: '5.00', active: undefined }));
      const r = await row(p.id);
      expect([r.price.toFixed(2), r.cost.toFixed(2), r.active]).toEqual(['9.99', '5.00', false]);
    });
  });

  describe('cost prices', () => {
    it('are not in what the service gives staff; managers and owners get them', async () => {
      const p = await product();
      expect((await h.services.products.get(staff, p.id)).cost).toBeNull();
      expect((await h.services.products.get(manager, p.id)).cost?.toFixed(2)).toBe('40.00');
    });

    it("are not in staff's CSV export (no cost column), and are in the owner's", async () => {
      const p = await product();
      const query = { q: p.form.sku!, category: undefined, stock: 'all' as const, sort: 'name' as const, page: 1 };
      const [staffHeader, staffRow] = (await h.services.productExport.csv(staff, query)).trim().split('\n');
      const [ownerHeader, ownerRow] = (await h.services.productExport.csv(h.ctx, query)).trim().split('\n');
      expect(staffHeader).toBe('sku,name,barcodes,category,unit,price,tax_rate,reorder_level,quantity_on_hand');
      expect(staffRow).not.toContain('40.00');
      expect(ownerHeader!.split(',')).toContain('cost');
      expect(ownerRow).toContain('40.00');
    });
  });

  describe('stock', () => {
    it('staff record receipts but not corrections', async () => {
      const p = await product();
      await h.services.stock.adjust(staff, p.id, { kind: 'receipt', quantity: '2' });
      const error = await fail(h.services.stock.adjust(staff, p.id, { kind: 'adjustment', quantity: '-5', reason: 'Write-off' }));
      expect((error as PermissionError).fields.kind).toMatch(/Only managers and owners can correct stock/);
      expect((await row(p.id)).quantityOnHand.toString()).toBe('12');
      await h.services.stock.adjust(manager, p.id, { kind: 'adjustment', quantity: '-5', reason: 'Write-off' });
      expect((await row(p.id)).quantityOnHand.toString()).toBe('7');
    });
  });

  describe('import, units and categories', () => {
    it('staff may neither preview nor import a CSV', async () => {
      const csv = 'sku,name,unit,price\nSTAFF-IMP,Imported,unit,1.00\n';
      expect(await fail(h.services.productImport.preview(staff, csv))).toBeInstanceOf(ForbiddenError);
      expect(await fail(h.services.productImport.import(staff, csv))).toBeInstanceOf(ForbiddenError);
      expect(await h.ctx.db.product.count({ where: { sku: 'STAFF-IMP' } })).toBe(0);
    });

    it('staff may not delete a unit or a category; a manager may', async () => {
      const unit = await h.services.uoms.create(staff, { code: 'crate', name: 'Crate' });
      const category = await h.services.categories.create(staff, { name: 'Spare', parentId: '' });
      expect(await fail(h.services.uoms.delete(staff, unit.id))).toBeInstanceOf(ForbiddenError);
      expect(await fail(h.services.categories.delete(staff, category.id))).toBeInstanceOf(ForbiddenError);
      await h.services.uoms.delete(manager, unit.id);
      await h.services.categories.delete(manager, category.id);
    });
  });
});
