import { Prisma } from '../generated/prisma/client.ts';
import { changedFields, recordAudit } from '../db/audit-log.ts';
import { assertCan } from '../auth/index.ts';
import type { CacheService } from '../cache/index.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { BusinessSettingsSchema, type ReceiptFormat } from './business.schema.ts';

/** What receipts and invoices print about the seller. */
export interface PrintDetails {
  legalName: string | null;
  address: string | null;
  taxId: string | null;
  phone: string | null;
  email: string | null;
  receiptFormat: ReceiptFormat;
}

export interface BusinessSettings extends PrintDetails {
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
  defaultTaxRate: Prisma.Decimal;
  staffMaxDiscountPct: Prisma.Decimal;
  staffMayOverridePrice: boolean;
  /** The pages' language for users who chose none; null: their browser's. */
  language: string | null;
}

const printSelect = { legalName: true, address: true, taxId: true, phone: true, email: true, receiptFormat: true } as const;
const select = {
  name: true,
  currency: true,
  timeZone: true,
  locale: true,
  defaultTaxRate: true,
  staffMaxDiscountPct: true,
  staffMayOverridePrice: true,
  language: true,
  ...printSelect,
} as const;
const asSettings = <T extends { receiptFormat: string }>(row: T) => ({ ...row, receiptFormat: row.receiptFormat as ReceiptFormat });

/** Settings as the audit log keeps them: decimals as their text, so "5" and "5.00" are one value. */
const auditable = (s: BusinessSettings) => ({
  ...s,
  defaultTaxRate: s.defaultTaxRate.toFixed(2),
  staffMaxDiscountPct: s.staffMaxDiscountPct.toFixed(2),
});

/**
 * The tenant's own row: name, currency, time zone, default tax rate and the staff limits.
 * Everyone reads it (for display); owners (`settings.manage`) change it, and each change goes
 * to the audit log with the values before and after.
 */
export class BusinessService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(ctx: Scope): Promise<BusinessSettings> {
    // Tenant is not tenant-owned, so the scoped client passes it through: name our own id.
    return asSettings(found(await ctx.db.tenant.findUnique({ where: { id: ctx.tenantId }, select }), 'Business'));
  }

  /** For the settings page: the same row, for those who may change it. */
  async forEditing(ctx: Scope): Promise<BusinessSettings> {
    assertCan(ctx, 'settings.manage');
    return this.get(ctx);
  }

  async update(ctx: Scope, input: unknown): Promise<BusinessSettings> {
    assertCan(ctx, 'settings.manage');
    const settings = parseInput(BusinessSettingsSchema, input, 'Check the business settings.');
    return inTransaction(ctx.db, async (uow) => {
      const { legalName, address, taxId, phone, email, receiptFormat, locale, ...rest } = settings;
      // A printing detail sent blank clears its column; one not sent at all is left as it is.
      const sent = new Set(Object.keys(input as object));
      const printing = Object.fromEntries(
        Object.entries({ legalName, address, taxId, phone, email })
          .filter(([k]) => sent.has(k))
          .map(([k, v]) => [k, v ?? null]),
      );
      const data = { ...rest, ...printing, ...(receiptFormat ? { receiptFormat } : {}), ...(locale ? { locale } : {}) };
      const before = found(await uow.tx.tenant.findUnique({ where: { id: ctx.tenantId }, select }), 'Business');
      const row = await uow.tx.tenant.update({ where: { id: ctx.tenantId }, data, select });
      const change = changedFields(auditable(asSettings(before)), auditable(asSettings(row)));
      if (change) await recordAudit(uow.tx, ctx, { kind: 'business_settings', subject: 'Business settings', ...change });
      await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'settings.updated');
      return asSettings(row);
    });
  }
}
