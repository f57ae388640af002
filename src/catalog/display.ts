import type { Response } from 'express';
import type { BusinessService } from '../settings/index.ts';
import { formatters } from './format.ts';
import type { TenantContext } from '../db/tenant-context.ts';

/** Puts the business's display helpers (`fmt`, `defaultTaxRate`) into the view locals. */
export async function businessDisplay(business: BusinessService, ctx: TenantContext, res: Response): Promise<void> {
  const settings = await business.get(ctx);
  res.locals.fmt = formatters(settings);
  res.locals.defaultTaxRate = settings.defaultTaxRate.toString();
}
