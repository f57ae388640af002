import type { Request, RequestHandler, Response } from 'express';
import type { Prisma } from '../generated/prisma/client.ts';
import { scopeOf } from './request-scope.ts';
import { formatDateTime, localDay } from '../time.ts';
import { formatMoney, formatPercent, formatQuantity } from '../format/money.ts';

/** The tenant facts the sales, payments, customers and dashboard pages show things in. */
export interface TenantView {
  name: string;
  currency: string;
  timeZone: string;
  defaultTaxRate: string;
}

type Value = Prisma.Decimal | string | number | null | undefined;

/**
 * Loads the tenant once per request into res.locals.tenant and gives views formatters that
 * use its currency and time zone: money(), qty(), pct(), when() and day().
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
  const t = await db.tenant.findFirstOrThrow({ select: { name: true, currency: true, timeZone: true, defaultTaxRate: true } });
  const tenant: TenantView = { name: t.name, currency: t.currency, timeZone: t.timeZone, defaultTaxRate: t.defaultTaxRate.toFixed(2) };
  res.locals.tenant = tenant;
  res.locals.money = (v: Value) => formatMoney(v, tenant.currency);
  res.locals.qty = (v: Value) => formatQuantity(v);
  res.locals.pct = (v: Value) => formatPercent(v);
  res.locals.when = (d: Date | null | undefined) => (d ? formatDateTime(d, tenant.timeZone) : '');
  res.locals.day = (d: Date) => localDay(d, tenant.timeZone);
}

/** The tenant of a request that went through tenantViewLocals. */
export function tenantOf(res: { locals: Record<string, unknown> }): TenantView {
  return res.locals.tenant as TenantView;
}
