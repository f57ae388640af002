import { Router, type Request, type Response } from 'express';
import type { TillService } from './till.service.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, submittedFields, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';

// /till: the signed-in user's drawer and its close; /till/closes: the history (own, or everyone's).

const fields = ['token', 'counted', 'note'] as const;

export function tillRouter(deps: { till: TillService }): Router {
  const { till } = deps;
  const router = Router();

  async function renderOpen(req: Request, res: Response, values: Record<string, string>, failure?: FormFailure) {
    const open = await till.open(scopeOf(req));
    res.status(failure?.status ?? 200).render('till/index', { title: 'Close the till', open, values, ...formLocals(failure) });
  }

  router.get('/till', (req, res) => renderOpen(req, res, { token: newFormToken() }));

  router.post('/till/close', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await till.close(scopeOf(req), submittedFields(body, fields));
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This count had already been recorded; here it is.' : 'Till closed.',
      );
      return res.redirect(303, created.url);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(body, fields);
      await renderOpen(req, res, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get('/till/closes', async (req, res) => {
    const q = listQuery(req.query);
    const result = await till.history(scopeOf(req), q.page);
    res.render('till/closes', { title: 'Till closes', ...result, pageLink: (n: number) => `/till/closes${withPage(q, n)}` });
  });

  router.get('/till/closes/:id', async (req, res) => {
    const close = await till.detail(scopeOf(req), found(idParam(req.params.id), 'Till close'));
    res.render('till/close', { title: req.t('Till close {{id}}', { id: close.id }), close });
  });

  return router;
}
