import { describe, expect, it } from 'vitest';
import { drivers } from '../helpers/database.ts';
import { productForm, setUpCatalogTenant } from '../catalog/support.ts';

// Two price changes of one product at the same moment: each audit entry's "before" is what
// that change replaced (the row is locked by the change), so the entries chain up.

describe.each(drivers)('audit › concurrent price changes on %s', (driver) => {
  const h = setUpCatalogTenant(driver);

  it('ten price changes of one product at once: the entries form one chain from 94.50 to the stored price', async () => {
    const form = productForm({ unitId: String(h.lookups.unit.id), price: '94.50', cost: '40.00' });
    const { id } = await h.services.products.create(h.ctx, form);
    const { openingStock: _o, ...edit } = form;
    const prices = Array.from({ length: 10 }, (_, i) => `${i + 1}.00`);
    await Promise.all(prices.map((price) => h.services.products.update(h.ctx, id, { ...edit, price, active: 'on' })));
    const entries = await h.ctx.db.auditEntry.findMany({
      where: { kind: 'product_pricing', subject: `Product ${form.sku}` },
      orderBy: { id: 'asc' },
    });
    expect(entries).toHaveLength(10);
    const steps = entries.map((e) => [(e.before as { price: string }).price, (e.after as { price: string }).price]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]![0]).toBe(steps[i - 1]![1]);
    expect(steps[0]![0]).toBe('94.50');
    const stored = await h.ctx.db.product.findFirstOrThrow({ where: { id } });
    expect(steps.at(-1)![1]).toBe(stored.price.toFixed(2));
    expect(new Set(steps.map(([, after]) => after))).toEqual(new Set(prices));
  });
});
