import type { Prisma } from '../generated/prisma/client.ts';
import type { CacheService } from '../cache/index.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ValidationError, found } from '../errors.ts';
import { fieldErrors } from '../http/validation.ts';
import type { TenantContext } from '../catalog/tenant-context.ts';
import { BusinessSettingsSchema } from './business.schema.ts';

export interface BusinessSettings {
  name: string;
  currency: string;
  timeZone: string;
  defaultTaxRate: Prisma.Decimal;
}

const select = { name: true, currency: true, timeZone: true, defaultTaxRate: true } as const;

/** The tenant's own row: name, currency, time zone, default tax rate (owners edit it). */
export class BusinessService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(ctx: TenantContext): Promise<BusinessSettings> {
    // Tenant is not tenant-owned, so the scoped client passes it through: name our own id.
    return found(await ctx.db.tenant.findUnique({ where: { id: ctx.tenantId }, select }), 'Business');
  }

  async update(ctx: TenantContext, input: unknown): Promise<BusinessSettings> {
    const parsed = BusinessSettingsSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Check the business settings.', fieldErrors(parsed.error));
    return inTransaction(ctx.db, async (uow) => {
      const row = await uow.tx.tenant.update({ where: { id: ctx.tenantId }, data: parsed.data, select });
      await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'settings.updated');
      return row;
    });
  }
}
