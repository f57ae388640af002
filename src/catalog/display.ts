import type { Response } from 'express';
import type { BusinessService } from '../settings/index.ts';
import type { Scope } from '../db/scope.ts';
import { createFormatter } from '../format/index.ts';

/** Puts the business's display helpers (`fmt`, `defaultTaxRate`) into the view locals. */
export async function businessDisplay(business: BusinessService, ctx: Scope, res: Response): Promise<void> {
  const settings = await business.get(ctx);
  res.locals.fmt = createFormatter(settings);
  res.locals.defaultTaxRate = settings.defaultTaxRate.toString();
}
