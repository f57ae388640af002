import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../src/db/errors.ts';
import { drivers } from '../helpers/database.ts';
import { setUpCatalogTenant } from '../catalog/support.ts';

// Business settings, the staff limits among them: owners change them, the service refuses
// everyone else (called directly), and bad values come back on their fields.

describe.each(drivers)('settings › business on %s', (driver) => {
  const h = setUpCatalogTenant(driver);
  const form = (fields: Record<string, string> = {}) => ({
    name: 'Shop',
    currency: 'USD',
    timeZone: 'UTC',
    defaultTaxRate: '0',
    staffMaxDiscountPct: '0',
    ...fields,
  });
  const tenant = () => h.prisma.tenant.findUniqueOrThrow({ where: { id: h.ctx.tenantId } });

  it('the owner sets the largest staff discount and whether staff may change prices', async () => {
    await h.services.business.update(h.ctx, form({ staffMaxDiscountPct: '12.5', staffMayOverridePrice: 'on' }));
    let t = await tenant();
    expect([t.staffMaxDiscountPct.toFixed(2), t.staffMayOverridePrice]).toEqual(['12.50', true]);
    // An unticked checkbox sends nothing; a blank limit is no discount.
    await h.services.business.update(h.ctx, form({ staffMaxDiscountPct: '' }));
    t = await tenant();
    expect([t.staffMaxDiscountPct.toFixed(2), t.staffMayOverridePrice]).toEqual(['0.00', false]);
  });

  it('refuses a limit over 100% or with 3 decimals on its field', async () => {
    for (const bad of ['100.01', '1.234', 'ten']) {
      const error = await h.services.business.update(h.ctx, form({ staffMaxDiscountPct: bad })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.staffMaxDiscountPct).toMatch(/Largest staff discount/);
    }
  });

  it.each(['manager', 'staff'] as const)('%s: refused, called directly, and nothing changes', async (role) => {
    const me = await h.userIn(h.ctx, role);
    const before = await tenant();
    await expect(
      h.services.business.update(me, form({ name: 'Taken over', staffMaxDiscountPct: '100', staffMayOverridePrice: 'on' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(h.services.business.forEditing(me)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await tenant()).toEqual(before);
    // Reading the business for display (currency, zone) is for everyone.
    expect((await h.services.business.get(me)).currency).toBe('USD');
  });
});
