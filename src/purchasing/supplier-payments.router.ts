import { Router, type Request, type Response } from 'express';
import { requireCan } from '../auth/index.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, submittedFields, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { tenantOf } from '../http/view-locals.ts';
import { methodChoices, paymentMethods } from '../sales/index.ts';
import { activePaymentMethods } from '../settings/index.ts';
import { localDay } from '../time.ts';
import type { PurchasingServices } from './index.ts';

// /purchasing/payments: payments to suppliers — list, register, detail.

const BASE = '/purchasing/payments';
const fields = ['token', 'supplierId', 'amount', 'method', 'day', 'reference', 'note'] as const;

export function supplierPaymentsRouter(p: PurchasingServices): Router {
  const router = Router();

  router.get(BASE, async (req, res) => {
    const scope = scopeOf(req);
    const q = listQuery(req.query);
    const supplierId = idParam(typeof req.query.supplier === 'string' ? req.query.supplier : undefined);
    const [result, suppliers] = await Promise.all([
      p.payments.list(scope, tenantOf(res).timeZone, { supplierId, method: q.method, from: q.from, to: q.to, page: q.page }),
      p.suppliers.options(scope),
    ]);
    const link = (n: number) => {
      const params = new URLSearchParams();
      if (supplierId) params.set('supplier', String(supplierId));
      for (const k of ['method', 'from', 'to'] as const) if (q[k]) params.set(k, String(q[k]));
      if (n > 1) params.set('page', String(n));
      const s = params.toString();
      return s ? `${BASE}?${s}` : BASE;
    };
    res.render('purchasing/payments/index', {
      title: 'Payments to suppliers',
      q,
      supplierId,
      ...result,
      suppliers,
      methods: paymentMethods,
      pageLink: link,
    });
  });

  async function renderForm(req: Request, res: Response, values: Record<string, string>, failure?: FormFailure) {
    const scope = scopeOf(req);
    const suppliers = await p.suppliers.options(scope);
    const chosen = idParam(values.supplierId);
    const supplier = chosen ? await p.suppliers.get(scope, chosen).catch(() => undefined) : undefined;
    res.status(failure?.status ?? 200).render('purchasing/payments/new', {
      title: 'Pay a supplier',
      values,
      suppliers,
      supplier,
      methods: methodChoices(await activePaymentMethods(scope)),
      ...formLocals(failure),
    });
  }

  router.get(`${BASE}/new`, async (req, res) => {
    requireCan(req, 'purchase.pay');
    const supplier = idParam(req.query.supplier);
    await renderForm(req, res, {
      token: newFormToken(),
      method: 'transfer',
      day: localDay(new Date(), tenantOf(res).timeZone),
      supplierId: supplier ? String(supplier) : '',
    });
  });

  router.post(BASE, async (req, res) => {
    try {
      const created = await p.payments.register(scopeOf(req), submittedFields(req.body, fields));
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This payment had already been recorded; here it is.' : 'Payment recorded.',
      );
      return res.redirect(303, created.url || BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(req.body, fields);
      await renderForm(req, res, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get(`${BASE}/:id`, async (req, res) => {
    const payment = await p.payments.detail(scopeOf(req), found(idParam(req.params.id), 'Payment'));
    res.render('purchasing/payments/show', { title: 'Payment to a supplier', payment });
  });

  return router;
}
