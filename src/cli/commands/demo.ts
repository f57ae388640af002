import type { Command } from '../command.ts';
import { requirePositiveInt } from '../command.ts';
import { requireTenant } from '../../db/scope.ts';
import { createTenant } from '../../settings/index.ts';
import { seedDemoData } from '../../admin/index.ts';
import { randomBytes } from 'node:crypto';

export const demoSeed: Command = {
  name: 'demo:seed',
  summary: 'Fill a business with realistic demo data (a new one unless --tenant)',
  options: {
    tenant: { type: 'string', description: 'tenant id (default: create a demo tenant)' },
    days: { type: 'string', description: 'days of sales to write (365)' },
    products: { type: 'string', description: 'number of products (200)' },
    'sales-per-day': { type: 'string', description: 'average sales per day (12)' },
  },
  async run(ctx, v) {
    const days = v.days === undefined ? 365 : requirePositiveInt(v.days, 'days');
    const products = v.products === undefined ? 200 : requirePositiveInt(v.products, 'products');
    const salesPerDay = v['sales-per-day'] === undefined ? 12 : requirePositiveInt(v['sales-per-day'], 'sales-per-day');
    if (days > 3660) throw new Error('--days must be at most 3660');
    const deps = await ctx.dependencies();
    let tenantId: number;
    if (v.tenant !== undefined) {
      tenantId = requirePositiveInt(v.tenant, 'tenant');
      await requireTenant(deps.db.prisma, tenantId);
    } else {
      const suffix = randomBytes(4).toString('hex');
      const password = `demo-${randomBytes(9).toString('base64url')}`;
      const created = await createTenant(deps.db.prisma, {
        name: `Demo ${suffix}`,
        ownerEmail: `owner+${suffix}@demo.stock.test`,
        ownerPassword: password,
        currency: 'EUR',
        timeZone: 'Europe/Madrid',
        defaultTaxRate: '21',
      });
      tenantId = created.tenantId;
      ctx.out(`Created tenant ${tenantId}; sign in as ${created.ownerEmail} with password ${password}`);
    }
    const started = Date.now();
    const summary = await seedDemoData(deps.db.prisma, {
      tenantId,
      days,
      products,
      salesPerDay,
      onProgress: (done, total, sales) =>
        ctx.progress(`Seeding tenant ${tenantId}: day ${done}/${total} (${Math.round((done / total) * 100)}%), ${sales} sales`),
    });
    await deps.cache.invalidateTenant(tenantId);
    ctx.out(
      `Seeded tenant ${tenantId} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.products} products, ${summary.customers} customers, ${summary.sales} sales, ${summary.payments} payments`,
    );
  },
};
