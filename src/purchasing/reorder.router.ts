import { Router } from 'express';
import { newFormToken } from '../db/form-submission.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals } from '../http/form-errors.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { Formatter } from '../format/index.ts';
import type { PurchasingServices } from './index.ts';
import { reorderItemsFromBody } from './forms.ts';

// /purchasing/reorder: what to reorder (on hand + on order at or below the reorder level),
// by preferred supplier, and the one step that drafts an order per supplier.

const BASE = '/purchasing/reorder';

export function reorderRouter(p: PurchasingServices): Router {
  const router = Router();

  router.get(BASE, async (req, res) => {
    const list = await p.reorder.list(scopeOf(req));
    setCacheStatus(res, list.status);
    const fmt = res.locals.fmt as Formatter;
    const values: Record<string, string> = { token: newFormToken() };
    for (const g of list.value.groups)
      for (const i of g.items)
        if (!i.draft && i.suggested.greaterThan(0)) values[`items.${i.productId}`] = fmt.input(i.suggested.toString());
    res.render('purchasing/reorder', { title: 'To reorder', list: list.value, values });
  });

  router.post(BASE, async (req, res) => {
    const scope = scopeOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await p.reorder.createDrafts(scope, { token: body.token, items: reorderItemsFromBody(body) });
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed
          ? 'These drafts had already been made; here they are.'
          : req.t('{{count}} draft orders made, one per supplier.', { count: created.drafts }),
      );
      return res.redirect(303, created.url);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const list = await p.reorder.list(scope);
      const values: Record<string, string> = { token: typeof body.token === 'string' ? body.token : newFormToken() };
      for (const [id, v] of Object.entries(reorderItemsFromBody(body))) values[`items.${id}`] = typeof v === 'string' ? v : '';
      res.status(failure.status).render('purchasing/reorder', { title: 'To reorder', list: list.value, values, ...formLocals(failure) });
    }
  });

  return router;
}
