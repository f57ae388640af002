import { Router, type Request, type Response } from 'express';
import type { Dependencies } from '../container.ts';
import { newFormToken } from '../db/form-submission.ts';
import { ConflictError, found } from '../errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, typedValues, type FormFailure } from '../http/form-errors.ts';
import { hasControlCharacters } from '../http/form-fields.ts';
import { can } from '../auth/permissions.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { linesFromBody, saleFormFromBody, type SaleLineForm } from './sales.schema.ts';
import { loadTenantView, tenantOf, tenantViewLocalsForPages } from './view-locals.ts';

// /sales: list, the multi-line form, detail, receipt, cancel. Thin: the service decides.

const BLANK_LINES = 3;

export function salesRouter(deps: Pick<Dependencies, 'sales' | 'customers'>): Router {
  const { sales, customers } = deps;
  const router = Router();
  router.use('/sales', tenantViewLocalsForPages);

  router.get('/sales', async (req, res) => {
    const q = listQuery(req.query);
    const { db } = scopeOf(req);
    const [result, customerOptions] = await Promise.all([sales.list(db, tenantOf(res).timeZone, { from: q.from, to: q.to, customerId: q.customer, status: q.status, page: q.page }), customers.options(db)]);
    res.render('sales/index', { title: 'Sales', q, ...result, customerOptions, pageLink: (n: number) => `/sales${withPage(q, n)}` });
  });

  async function renderForm(req: Request, res: Response, values: { token: string; customerId?: string; note?: string; payNow?: string; lines: SaleLineForm[] }, failure?: FormFailure) {
    await loadTenantView(req, res);
    const { db } = scopeOf(req);
    const [customerOptions, productOptions] = await Promise.all([customers.options(db), sales.searchProducts(db, '', 300)]);
    const lines = [...values.lines];
    while (lines.length < BLANK_LINES) lines.push({});
    res.status(failure?.status ?? 200).render('sales/new', { title: 'New sale', values: { ...values, lines }, customerOptions, productOptions, scripts: ['/js/sale-form.js'], ...formLocals(failure) });
  }

  router.get('/sales/new', async (req, res) => {
    const customer = idParam(req.query.customer);
    await renderForm(req, res, { token: newFormToken(), customerId: customer ? String(customer) : '', lines: [] });
  });

  router.get('/sales/product-search', async (req, res) => {
    const q = typeof req.query.q === 'string' && !hasControlCharacters(req.query.q) ? req.query.q.slice(0, 100) : '';
    res.json({ products: await sales.searchProducts(scopeOf(req).db, q, q.trim() ? 30 : 300) });
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
      const { token, customerId, note, payNow } = typedValues(body, ['token', 'customerId', 'note', 'payNow']);
      await renderForm(req, res, { token: token || newFormToken(), customerId, note, payNow, lines: linesFromBody(body) }, failure);
    }
  });

  const saleId = (req: Request) => found(idParam(req.params.id), 'Sale');
  const detail = (req: Request) => sales.detail(scopeOf(req).db, saleId(req));

  router.get('/sales/:id', async (req, res) => {
    const sale = await detail(req);
    res.render('sales/show', { title: `Sale #${sale.number}`, sale, canCancel: can(scopeOf(req).role, 'sale.cancel') && sale.status === 'confirmed' });
  });

  router.get('/sales/:id/receipt', async (req, res) => {
    const sale = await detail(req);
    res.render('sales/receipt', { title: `Receipt · sale #${sale.number}`, sale });
  });

  router.post('/sales/:id/cancel', async (req, res) => {
    const id = saleId(req);
    try {
      const { number } = await sales.cancel(scopeOf(req), id);
      setFlash(req, 'success', `Sale #${number} cancelled; its stock is back.`);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      setFlash(req, 'error', error.message);
    }
    res.redirect(303, `/sales/${id}`);
  });

  return router;
}
