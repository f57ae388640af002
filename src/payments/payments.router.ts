import { Router, type Request, type Response } from 'express';
import type { Dependencies } from '../container.ts';
import { newFormToken } from '../db/form-submission.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { setFlash } from '../http/flash.ts';
import { idParam, listQuery, withPage } from '../http/list-query.ts';
import { scopeOf } from '../http/request-scope.ts';
import { paymentMethods } from '../sales/sales.schema.ts';
import { loadTenantView, tenantOf, tenantViewLocalsForPages } from '../sales/view-locals.ts';
import { localDay } from '../time.ts';

// /payments: list, register (also from a sale's page: /payments/new?sale=ID), detail.

const fields = ['token', 'amount', 'method', 'day', 'customerId', 'saleId', 'saleNumber', 'reference', 'note'] as const;

export function paymentsRouter(deps: Pick<Dependencies, 'sales' | 'payments' | 'customers'>): Router {
  const { sales, payments, customers } = deps;
  const router = Router();
  router.use('/payments', tenantViewLocalsForPages);

  router.get('/payments', async (req, res) => {
    const q = listQuery(req.query);
    const { db } = scopeOf(req);
    const [result, customerOptions] = await Promise.all([payments.list(db, tenantOf(res).timeZone, { from: q.from, to: q.to, customerId: q.customer, method: q.method, page: q.page }), customers.options(db)]);
    res.render('payments/index', { title: 'Payments', q, ...result, customerOptions, methods: paymentMethods, pageLink: (n: number) => `/payments${withPage(q, n)}` });
  });

  async function renderForm(req: Request, res: Response, status: number, values: Record<string, string>, extra: Record<string, unknown> = {}) {
    await loadTenantView(req, res);
    const { db } = scopeOf(req);
    const saleId = idParam(values.saleId);
    const sale = saleId ? await sales.detail(db, saleId).catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e))) : undefined;
    const customerOptions = await customers.options(db);
    res.status(status).render('payments/new', { title: 'Register a payment', values, sale, customerOptions, methods: paymentMethods, ...extra });
  }

  router.get('/payments/new', async (req, res) => {
    const { db } = scopeOf(req);
    const saleId = idParam(req.query.sale);
    const values: Record<string, string> = { token: newFormToken(), method: 'cash', day: localDay(new Date(), tenantOf(res).timeZone) };
    if (saleId) {
      const sale = await sales.detail(db, saleId);
      values.saleId = String(sale.id);
      if (sale.status === 'confirmed' && sale.open.greaterThan(0)) values.amount = sale.open.toFixed(2);
    }
    const customerId = idParam(req.query.customer);
    if (customerId) values.customerId = String(customerId);
    await renderForm(req, res, 200, values);
  });

  router.post('/payments', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(fields.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : ''])) as Record<string, string>;
    try {
      // As sent: a field sent twice (or not as text) is refused by validation, not dropped.
      const created = await payments.register(scopeOf(req), Object.fromEntries(fields.map((f) => [f, body[f]])));
      setFlash(req, created.replayed ? 'info' : 'success', created.replayed ? 'This payment had already been recorded; here it is.' : 'Payment recorded.');
      return res.redirect(303, created.url || '/payments');
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      if (!values.token) values.token = newFormToken();
      await renderForm(req, res, error.status, values, { error: error.message, errors: error.fields });
    }
  });

  router.get('/payments/:id', async (req, res) => {
    const id = idParam(req.params.id);
    if (!id) throw new NotFoundError('Payment');
    const payment = await payments.detail(scopeOf(req).db, id);
    res.render('payments/show', { title: `Payment ${id}`, payment });
  });

  return router;
}
