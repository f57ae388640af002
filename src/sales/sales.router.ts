import { Router, type Request, type Response } from 'express';
import { countOf, pickerView, type CustomersService } from '../customers/index.ts';
import type { SalesService } from './sales.service.ts';
import { can } from '../auth/index.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { hasControlCharacters } from '../db/fields.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { lineFields, linesFromBody, saleFormFromBody, type SaleLineForm } from './sales.schema.ts';
import { tenantOf } from '../http/view-locals.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { activePaymentMethods } from '../settings/index.ts';
import { methodChoices } from './method-labels.ts';

// /sales: list, the multi-line form, detail (receipts and invoices: src/printing; returns and
// cancelling: returns.router.ts). Thin: the service decides.

const BLANK_LINES = 3;

export function salesRouter(deps: { sales: SalesService; customers: CustomersService }): Router {
  const { sales, customers } = deps;
  const router = Router();

  router.get('/sales', async (req, res) => {
    const q = listQuery(req.query);
    const scope = scopeOf(req);
    const [result, customerPicker] = await Promise.all([
      sales.list(scope, tenantOf(res).timeZone, { from: q.from, to: q.to, customerId: q.customer, status: q.status, page: q.page }),
      customers.picker(scope, { selected: q.customer }),
    ]);
    setCacheStatus(res, result.status, customerPicker.status);
    res.render('sales/index', {
      title: 'Sales',
      q,
      ...result.value,
      customerPicker: pickerView(req.t, countOf(res), customerPicker.value),
      pageLink: (n: number) => `/sales${withPage(q, n)}`,
      scripts: ['/js/customer-picker.js'],
    });
  });

  async function renderForm(
    req: Request,
    res: Response,
    values: { token: string; customerId?: string; note?: string; payNow?: string; tendered?: string; lines: SaleLineForm[] },
    failure?: FormFailure,
  ) {
    const scope = scopeOf(req);
    // Lines sent back after a refusal show their products and amounts without the script too.
    const typed = values.lines.length
      ? { customerId: values.customerId, payNow: values.payNow, tendered: values.tendered, ...lineFields(values.lines) }
      : undefined;
    const [customerPicker, productOptions, preview, ownMethods] = await Promise.all([
      customers.picker(scope, { selected: idParam(values.customerId) }),
      sales.searchProducts(scope, '', 300),
      typed && sales.preview(scope, typed),
      activePaymentMethods(scope),
    ]);
    const lines = [...values.lines];
    while (lines.length < BLANK_LINES) lines.push({});
    res.status(failure?.status ?? 200).render('sales/new', {
      title: 'New sale',
      values: { ...values, lines },
      customerPicker: pickerView(req.t, countOf(res), customerPicker.value),
      productOptions,
      preview,
      payNowChoices: methodChoices(ownMethods),
      scripts: ['/js/customer-picker.js', '/js/sale-form.js'],
      ...formLocals(failure),
    });
  }

  router.get('/sales/new', async (req, res) => {
    const customer = idParam(req.query.customer);
    await renderForm(req, res, { token: newFormToken(), customerId: customer ? String(customer) : '', lines: [] });
  });

  router.get('/sales/product-search', async (req, res) => {
    const q = typeof req.query.q === 'string' && !hasControlCharacters(req.query.q) ? req.query.q.slice(0, 100) : '';
    res.json({ products: await sales.searchProducts(scopeOf(req), q, q.trim() ? 30 : 300) });
  });

  // The form's script asks for this as the lines change (JSON; 422 when confirming would refuse).
  router.post('/sales/preview', async (req, res) => {
    const preview = await sales.preview(scopeOf(req), (req.body ?? {}) as Record<string, unknown>);
    res.status(Object.keys(preview.errors).length ? 422 : 200).json(preview);
  });

  router.post('/sales', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await sales.confirm(scopeOf(req), saleFormFromBody(body));
      if (created.replayed) setFlash(req, 'info', 'This sale had already been recorded; here it is.');
      else setFlash(req, 'success', 'Sale recorded.');
      return res.redirect(303, created.url || '/sales');
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      // The header fields as typed; the lines (lines[i][field] keys) rebuilt by the sale form's own reader.
      const { token, customerId, note, payNow, tendered } = typedValues(body, ['token', 'customerId', 'note', 'payNow', 'tendered']);
      await renderForm(
        req,
        res,
        { token: token || newFormToken(), customerId, note, payNow, tendered, lines: linesFromBody(body) },
        failure,
      );
    }
  });

  const saleId = (req: Request) => found(idParam(req.params.id), 'Sale');
  const detail = (req: Request) => sales.detail(scopeOf(req), saleId(req));

  router.get('/sales/:id', async (req, res) => {
    const sale = await detail(req);
    const scope = scopeOf(req);
    res.render('sales/show', {
      title: req.t('Sale #{{number}}', { number: sale.number }),
      sale,
      canCancel: can(scope, 'sale.cancel') && sale.status === 'confirmed',
      canReturn: can(scope, 'sale.return') && sale.returnable.length > 0,
    });
  });

  return router;
}
