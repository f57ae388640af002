import { Router, type Request, type Response } from 'express';
import { newFormToken } from '../db/form-submission.ts';
import { NotFoundError, found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, submittedFields, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { methodChoices, paymentMethods, type SalesService } from '../sales/index.ts';
import { activePaymentMethods } from '../settings/index.ts';
import { countOf, pickerView, type CustomersService } from '../customers/index.ts';
import type { PaymentsService } from './payments.service.ts';
import { tenantOf } from '../http/view-locals.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import type { Formatter } from '../format/index.ts';
import { localDay } from '../time.ts';

// /payments: list, register (also from a sale's page: /payments/new?sale=ID), detail.

const fields = ['token', 'amount', 'method', 'day', 'customerId', 'saleId', 'saleNumber', 'reference', 'note'] as const;

export function paymentsRouter(deps: { sales: SalesService; payments: PaymentsService; customers: CustomersService }): Router {
  const { sales, payments, customers } = deps;
  const router = Router();

  router.get('/payments', async (req, res) => {
    const q = listQuery(req.query);
    const scope = scopeOf(req);
    const [result, customerPicker] = await Promise.all([
      payments.list(scope, tenantOf(res).timeZone, { from: q.from, to: q.to, customerId: q.customer, method: q.method, page: q.page }),
      customers.picker(scope, { selected: q.customer }),
    ]);
    setCacheStatus(res, result.status, customerPicker.status);
    res.render('payments/index', {
      title: 'Payments',
      q,
      ...result.value,
      customerPicker: pickerView(req.t, countOf(res), customerPicker.value),
      methods: paymentMethods,
      pageLink: (n: number) => `/payments${withPage(q, n)}`,
      scripts: ['/js/customer-picker.js'],
    });
  });

  async function renderForm(req: Request, res: Response, values: Record<string, string>, failure?: FormFailure) {
    const scope = scopeOf(req);
    const saleId = idParam(values.saleId);
    const sale = saleId
      ? await sales.detail(scope, saleId).catch((e: unknown) => {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        })
      : undefined;
    // With a sale the customer is the sale's: no picker.
    const customerPicker = sale
      ? undefined
      : pickerView(req.t, countOf(res), (await customers.picker(scope, { selected: idParam(values.customerId) })).value);
    res.status(failure?.status ?? 200).render('payments/new', {
      title: 'Register a payment',
      values,
      sale,
      customerPicker,
      scripts: sale ? [] : ['/js/customer-picker.js'],
      methods: methodChoices(await activePaymentMethods(scope)),
      ...formLocals(failure),
    });
  }

  router.get('/payments/new', async (req, res) => {
    const scope = scopeOf(req);
    const saleId = idParam(req.query.sale);
    const values: Record<string, string> = { token: newFormToken(), method: 'cash', day: localDay(new Date(), tenantOf(res).timeZone) };
    if (saleId) {
      const sale = await sales.detail(scope, saleId);
      values.saleId = String(sale.id);
      if (sale.status === 'confirmed' && sale.open.greaterThan(0))
        values.amount = (res.locals.fmt as Formatter).input(sale.open.toFixed(2));
    }
    const customerId = idParam(req.query.customer);
    if (customerId) values.customerId = String(customerId);
    await renderForm(req, res, values);
  });

  router.post('/payments', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await payments.register(scopeOf(req), submittedFields(body, fields));
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This payment had already been recorded; here it is.' : 'Payment recorded.',
      );
      return res.redirect(303, created.url || '/payments');
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(body, fields);
      await renderForm(req, res, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get('/payments/:id', async (req, res) => {
    const id = found(idParam(req.params.id), 'Payment');
    const payment = await payments.detail(scopeOf(req), id);
    res.render('payments/show', { title: req.t('Payment {{id}}', { id }), payment });
  });

  return router;
}
