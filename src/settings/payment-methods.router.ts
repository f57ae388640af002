import { Router, type Request, type Response } from 'express';
import { found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, type FormFailure } from '../http/form-errors.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { PaymentMethodsService } from './payment-methods.service.ts';

/** /settings/payment-methods: the business's own methods; owners only (the service refuses the others). */
export function paymentMethodsRouter(methods: PaymentMethodsService): Router {
  const router = Router();
  const base = '/settings/payment-methods';
  const id = (req: Request) => found(idParam(req.params.id), 'Payment method');

  async function render(req: Request, res: Response, failure?: FormFailure, values: Record<string, string> = {}, failedId?: number) {
    const rows = await methods.list(scopeOf(req));
    res.status(failure?.status ?? 200).render('settings/payment-methods', { methods: rows, values, failedId, ...formLocals(failure) });
  }

  async function write(req: Request, res: Response, flash: string, run: () => Promise<unknown>, failedId?: number) {
    try {
      await run();
      setFlash(req, 'success', flash);
      res.redirect(303, base);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const name = typeof req.body?.name === 'string' ? req.body.name : '';
      await render(req, res, failure, { name }, failedId);
    }
  }

  router.get(base, (req, res) => render(req, res));
  router.post(base, (req, res) => write(req, res, 'Payment method added.', () => methods.create(scopeOf(req), req.body)));
  router.post(`${base}/:id`, (req, res) => {
    const rowId = id(req);
    return write(req, res, 'Payment method renamed.', () => methods.rename(scopeOf(req), rowId, req.body), rowId);
  });
  router.post(`${base}/:id/active`, (req, res) => {
    const active = req.body?.active === 'on';
    return write(req, res, active ? 'Payment method offered again.' : 'Payment method deactivated.', () =>
      methods.setActive(scopeOf(req), id(req), active),
    );
  });
  return router;
}
