import type { Request, RequestHandler, Response } from 'express';
import { scopeOf } from './request-scope.ts';
import { createFormatter } from '../format/index.ts';

/** The tenant facts the sales, payments, customers and dashboard pages show things in. */
export interface TenantView {
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
  defaultTaxRate: string;
}

/**
 * Loads the tenant once per request into res.locals.tenant and gives views `fmt`, the
 * formatter in its currency, time zone and locale (src/format).
 */
export const tenantViewLocals: RequestHandler = async (req, res, next) => {
  await loadTenantView(req, res);
  next();
};

/** For pages only: a POST that redirects does not need it (its error page loads it then). */
export const tenantViewLocalsForPages: RequestHandler = (req, res, next) =>
  req.method === 'GET' || req.method === 'HEAD' ? tenantViewLocals(req, res, next) : next();

export async function loadTenantView(req: Request, res: Response): Promise<void> {
  if (res.locals.tenant) return;
  const { db } = scopeOf(req);
  const t = await db.tenant.findFirstOrThrow({
    select: { name: true, currency: true, timeZone: true, locale: true, defaultTaxRate: true },
  });
  const tenant: TenantView = { ...t, defaultTaxRate: t.defaultTaxRate.toFixed(2) };
  res.locals.tenant = tenant;
  res.locals.fmt = createFormatter(tenant);
}

/** The tenant of a request that went through tenantViewLocals. */
export function tenantOf(res: { locals: Record<string, unknown> }): TenantView {
  return res.locals.tenant as TenantView;
}
