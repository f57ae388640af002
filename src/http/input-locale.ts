import type { RequestHandler } from 'express';
import { withInputLocale } from '../format/index.ts';
import { scopeOf } from './request-scope.ts';

/**
 * Numbers a signed-in user sends (forms, CSV) are read in the business's locale: a POST
 * reads it before the route runs; a GET reads nothing (its filters take no decimals).
 * The one read of it today; a cached read of the business's display facts can replace it.
 */
export const inputLocale: RequestHandler = async (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const { db } = scopeOf(req);
  const { locale } = await db.tenant.findFirstOrThrow({ select: { locale: true } });
  withInputLocale(locale, next);
};
