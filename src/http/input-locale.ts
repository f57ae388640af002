import type { RequestHandler } from 'express';
import { withInputLocale } from '../format/index.ts';
import { tenantOf } from './view-locals.ts';

/**
 * Numbers a signed-in user sends (forms, CSV) are read in the business's locale (from the
 * sign-in guard's cached read), and numbers inside messages are written in it: a GET too
 * (the sale form shown again with its lines says "Only 1,5 in stock" as the POST would).
 */
export const inputLocale: RequestHandler = (_req, res, next) => {
  withInputLocale(tenantOf(res).locale, next);
};
