import { Router, type Request, type Response } from 'express';
import type { SalesService } from './sales.service.ts';
import { assertCan } from '../auth/index.ts';
import { newFormToken } from '../db/form-submission.ts';
import { ConflictError, ValidationError, found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { requireCan } from '../auth/index.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { returnLinesFromBody, settlements } from './returns.schema.ts';
import { methodLabel } from './method-labels.ts';
import type { Formatter } from '../format/index.ts';

// After a sale: returning some of its units (/sales/:id/returns), the return receipt
// (/returns/:id) and cancelling the whole sale after a confirmation (/sales/:id/cancel).

export function returnsRouter(deps: { sales: SalesService }): Router {
  const { sales } = deps;
  const router = Router();

  const saleId = (req: Request) => found(idParam(req.params.id), 'Sale');

  /** The settlement choices this sale offers: no credit for a walk-in, who has no account. */
  const choicesFor = (sale: { customer: unknown }) =>
    settlements.filter((s) => s !== 'credit' || sale.customer).map((s) => ({ value: s, label: methodLabel(s) }));
  /** The method the sale was paid with, when there was one, else cash. */
  const usualMethod = (sale: { payments: Array<{ method: string }> }) => sale.payments.find((p) => p.method !== 'other')?.method ?? 'cash';

  async function renderReturnForm(req: Request, res: Response, id: number, values: Record<string, string>, failure?: FormFailure) {
    const sale = await sales.detail(scopeOf(req), id);
    res.status(failure?.status ?? 200).render('sales/return-new', {
      title: req.t('Return from sale #{{number}}', { number: sale.number }),
      sale,
      values,
      choices: choicesFor(sale),
      ...formLocals(failure),
    });
  }

  router.get('/sales/:id/returns/new', async (req, res) => {
    assertCan(scopeOf(req), 'sale.return', 'Only managers and owners can take returns.');
    const id = saleId(req);
    const sale = await sales.detail(scopeOf(req), id);
    if (!sale.returnable.length) {
      setFlash(
        req,
        'error',
        sale.status === 'confirmed'
          ? req.t('Every unit of sale #{{number}} has come back already.', { number: sale.number })
          : req.t('Sale #{{number}} is cancelled; nothing can be returned.', { number: sale.number }),
      );
      return res.redirect(303, `/sales/${id}`);
    }
    await renderReturnForm(req, res, id, { token: newFormToken(), settlement: usualMethod(sale) });
  });

  router.post('/sales/:id/returns', async (req, res) => {
    const id = saleId(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lines = [...returnLinesFromBody(body)].map(([lineNo, quantity]) => ({ lineNo, quantity }));
    try {
      const created = await sales.return(scopeOf(req), id, { token: body.token, settlement: body.settlement, reason: body.reason, lines });
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This return had already been recorded; here it is.' : 'Return recorded.',
      );
      return res.redirect(303, created.url);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(body);
      await renderReturnForm(req, res, id, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get('/returns/:id', async (req, res) => {
    const ret = await sales.returnDetail(scopeOf(req), found(idParam(req.params.id), 'Return'));
    res.render('sales/return-receipt', { title: req.t('Return {{id}} · sale #{{number}}', { id: ret.id, number: ret.sale.number }), ret });
  });

  async function renderCancel(req: Request, res: Response, id: number, values: Record<string, string>, failure?: FormFailure) {
    const sale = await sales.detail(scopeOf(req), id);
    const left = sale.paidTotal.minus(sale.refundedTotal);
    res.status(failure?.status ?? 200).render('sales/cancel', {
      title: req.t('Cancel sale #{{number}}', { number: sale.number }),
      sale,
      left,
      values,
      choices: choicesFor(sale),
      ...formLocals(failure),
    });
  }

  router.get('/sales/:id/cancel', async (req, res) => {
    // The page alone writes nothing; the cancellation itself is refused by the service.
    requireCan(req, 'sale.cancel');
    const id = saleId(req);
    const sale = await sales.detail(scopeOf(req), id);
    if (sale.status !== 'confirmed') {
      setFlash(req, 'error', req.t('Sale #{{number}} is already cancelled.', { number: sale.number }));
      return res.redirect(303, `/sales/${id}`);
    }
    await renderCancel(req, res, id, { settlement: usualMethod(sale) });
  });

  router.post('/sales/:id/cancel', async (req, res) => {
    const id = saleId(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const done = await sales.cancel(scopeOf(req), id, { settlement: body.settlement });
      const fmt = res.locals.fmt as Formatter;
      const m = (d: typeof done.refunded) => fmt.money(d);
      const number = done.number;
      setFlash(
        req,
        'success',
        done.refunded.greaterThan(0)
          ? req.t('Sale #{{number}} cancelled; its stock is back. {{amount}} refunded.', { number, amount: m(done.refunded) })
          : done.credit.greaterThan(0)
            ? req.t("Sale #{{number}} cancelled; its stock is back. {{amount}} left as the customer's credit.", {
                number,
                amount: m(done.credit),
              })
            : req.t('Sale #{{number}} cancelled; its stock is back.', { number }),
      );
    } catch (error) {
      if (error instanceof ValidationError) return renderCancel(req, res, id, typedValues(body, ['settlement']), formFailure(error));
      if (!(error instanceof ConflictError)) throw error;
      setFlash(req, 'error', error.message);
    }
    res.redirect(303, `/sales/${id}`);
  });

  return router;
}
