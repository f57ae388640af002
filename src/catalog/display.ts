import type { Response } from 'express';
import { createFormatter } from '../format/index.ts';
import type { BusinessService } from '../settings/business.service.ts';
import type { TenantContext } from './tenant-context.ts';

/** Puts the business's display helpers (`fmt`, `defaultTaxRate`) into the view locals. */
export async function businessDisplay(business: BusinessService, ctx: TenantContext, res: Response): Promise<void> {
  const settings = await business.get(ctx);
  res.locals.fmt = createFormatter(settings);
  res.locals.defaultTaxRate = settings.defaultTaxRate.toString();
}
