import type { Response } from 'express';
import { createFormatter } from '../format/index.ts';

/** The business facts pages show things in (name, money, dates, numbers, default tax). */
export interface TenantView {
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
  /** Two decimals, as stored ("21.00"). */
  defaultTaxRate: string;
}

/**
 * Gives views `tenant` and `fmt`, the formatter in its currency, time zone and locale
 * (src/format). The sign-in guard calls it for every signed-in request, from its cached
 * read of the user and business, so no page reads the business again for them.
 */
export function showTenant(res: Response, tenant: TenantView): void {
  const { name, currency, timeZone, locale, defaultTaxRate } = tenant;
  res.locals.tenant = { name, currency, timeZone, locale, defaultTaxRate } satisfies TenantView;
  res.locals.fmt = createFormatter(tenant);
}

/** The business of a signed-in request (set by the sign-in guard). */
export function tenantOf(res: { locals: Record<string, unknown> }): TenantView {
  return res.locals.tenant as TenantView;
}
