import type { RequestHandler } from 'express';
import { withInputLocale } from '../format/index.ts';
import { tenantOf } from './view-locals.ts';

/**
 * Numbers a signed-in user sends (forms, CSV) are read in the business's locale (from the
 * sign-in guard's cached read): a POST reads them in it; a GET's filters take no decimals.
 */
export const inputLocale: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  withInputLocale(tenantOf(res).locale, next);
};
