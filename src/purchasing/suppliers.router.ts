import { Router, type Request, type RequestHandler, type Response } from 'express';
import { assertCan, requireCan } from '../auth/index.ts';
import { StatementRangeSchema } from '../customers/index.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Formatter } from '../format/index.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, submittedFields, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { uploadBody, type UploadRoute } from '../http/upload-body.ts';
import { tenantOf } from '../http/view-locals.ts';
import { addDays, localDay } from '../time.ts';
import type { PurchasingServices } from './index.ts';
import { supplierStatement } from './supplier-statement.ts';

// /purchasing/suppliers: list with search, new, edit, the supplier's page, statement, CSV
// import and export; /purchasing/products/:id/buying: a product's buying details.

const fields = ['token', 'name', 'contactName', 'email', 'phone', 'address', 'taxId', 'paymentTermsDays', 'notes'] as const;
const BASE = '/purchasing/suppliers';

/** The CSV import takes a pasted file beyond the app's general 200 kB (src/http/upload-body.ts). */
export const supplierImportUpload: UploadRoute = { path: `${BASE}/import`, limit: '2mb' };

export function suppliersRouter(p: PurchasingServices): Router {
  const router = Router();
  const supplierId = (req: Request) => found(idParam(req.params.id), 'Supplier');

  router.get(BASE, async (req, res) => {
    const q = listQuery(req.query);
    const result = await p.suppliers.list(scopeOf(req), { q: q.q, page: q.page });
    res.render('purchasing/suppliers/index', { title: 'Suppliers', q, ...result, pageLink: (n: number) => `${BASE}${withPage(q, n)}` });
  });

  async function renderForm(req: Request, res: Response, values: Record<string, string>, failure?: FormFailure) {
    res.status(failure?.status ?? 200).render('purchasing/suppliers/form', {
      title: values.id ? 'Edit supplier' : 'New supplier',
      values,
      ...formLocals(failure),
    });
  }

  router.get(`${BASE}/new`, (req, res) => {
    requireCan(req, 'purchase.order');
    return renderForm(req, res, { token: newFormToken(), paymentTermsDays: '30' });
  });

  router.post(BASE, async (req, res) => {
    try {
      const created = await p.suppliers.create(scopeOf(req), submittedFields(req.body, fields));
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This supplier had already been added; here it is.' : 'Supplier added.',
      );
      return res.redirect(303, created.url || BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(req.body, fields);
      await renderForm(req, res, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get(`${BASE}/export.csv`, async (req, res) => {
    const csv = await p.supplierCsv.export(scopeOf(req));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="suppliers-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.send(csv);
  });

  router.get(`${BASE}/import`, (req, res) => {
    requireCan(req, 'purchase.order');
    res.render('purchasing/suppliers/import', { title: 'Import suppliers', preview: null, csv: '', scripts: ['/js/catalog.js'] });
  });

  // Who may import is checked before the file is read.
  const mayImport: RequestHandler = (req, _res, next) => {
    assertCan(scopeOf(req), 'purchase.order');
    next();
  };
  router.post(supplierImportUpload.path, mayImport, ...uploadBody(supplierImportUpload), async (req, res) => {
    const scope = scopeOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const csv = typeof body.csv === 'string' ? body.csv : '';
    const render = (status: number, preview: unknown) =>
      res.status(status).render('purchasing/suppliers/import', { title: 'Import suppliers', preview, csv, scripts: ['/js/catalog.js'] });
    if (body.action === 'import') {
      const { preview, written } = await p.supplierCsv.import(scope, csv);
      if (!written) return render(422, preview);
      setFlash(
        req,
        'success',
        req.t('Imported {{count}} suppliers: {{creates}} new, {{updates}} updated.', {
          count: preview.rows.length,
          creates: preview.creates,
          updates: preview.updates,
        }),
      );
      return res.redirect(303, BASE);
    }
    const preview = await p.supplierCsv.preview(scope, csv);
    render(preview.ok ? 200 : 422, preview);
  });

  router.get(`${BASE}/:id`, async (req, res) => {
    const scope = scopeOf(req);
    const id = supplierId(req);
    const supplier = await p.suppliers.get(scope, id);
    const tz = tenantOf(res).timeZone;
    const [orders, payments] = await Promise.all([
      p.orders.list(scope, { supplierId: id }),
      p.payments.list(scope, tz, { supplierId: id }),
    ]);
    const today = localDay(new Date(), tz);
    res.render('purchasing/suppliers/show', {
      title: supplier.name,
      supplier,
      orders,
      payments,
      statementFrom: addDays(today, -90),
      statementTo: today,
    });
  });

  router.get(`${BASE}/:id/edit`, async (req, res) => {
    const s = await p.suppliers.get(scopeOf(req), supplierId(req));
    await renderForm(req, res, {
      id: String(s.id),
      name: s.name,
      contactName: s.contactName ?? '',
      email: s.email ?? '',
      phone: s.phone ?? '',
      address: s.address ?? '',
      taxId: s.taxId ?? '',
      paymentTermsDays: String(s.paymentTermsDays),
      notes: s.notes ?? '',
    });
  });

  router.post(`${BASE}/:id`, async (req, res) => {
    const id = supplierId(req);
    try {
      await p.suppliers.update(scopeOf(req), id, submittedFields(req.body, fields));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return await renderForm(req, res, { ...typedValues(req.body, fields), id: String(id) }, failure);
    }
    setFlash(req, 'success', 'Supplier saved.');
    res.redirect(303, `${BASE}/${id}`);
  });

  router.get(`${BASE}/:id/statement`, async (req, res) => {
    const scope = scopeOf(req);
    const id = supplierId(req);
    const supplier = await p.suppliers.get(scope, id);
    const tz = tenantOf(res).timeZone;
    const today = localDay(new Date(), tz);
    const raw = {
      from: typeof req.query.from === 'string' && req.query.from ? req.query.from : addDays(today, -90),
      to: typeof req.query.to === 'string' && req.query.to ? req.query.to : today,
    };
    const title = 'Supplier statement';
    let range;
    try {
      range = parseInput(StatementRangeSchema, raw);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return res
        .status(failure.status)
        .render('purchasing/suppliers/statement', { title, supplier, range: raw, statement: undefined, ...formLocals(failure) });
    }
    const statement = await supplierStatement(scope, tz, id, range.from, range.to);
    res.render('purchasing/suppliers/statement', { title, supplier, range, statement, scripts: ['/js/print.js'] });
  });

  // A product's buying details (shown on the product's page).
  const productId = (req: Request) => found(idParam(req.params.id), 'Product');
  const buyingFields = ['preferredSupplierId', 'supplierCode', 'lastCost'] as const;

  async function renderBuying(req: Request, res: Response, values: Record<string, string> | undefined, failure?: FormFailure) {
    const scope = scopeOf(req);
    const [product, suppliers] = await Promise.all([p.productBuying.get(scope, productId(req)), p.suppliers.options(scope)]);
    const fmt = res.locals.fmt as Formatter;
    res.status(failure?.status ?? 200).render('purchasing/product-buying', {
      title: 'Buying details',
      product,
      suppliers,
      values: values ?? {
        preferredSupplierId: product.preferredSupplierId ? String(product.preferredSupplierId) : '',
        supplierCode: product.supplierCode ?? '',
        lastCost: product.lastCost ? fmt.input(product.lastCost.toFixed(2)) : '',
      },
      ...formLocals(failure),
    });
  }

  router.get('/purchasing/products/:id/buying', (req, res) => renderBuying(req, res, undefined));

  router.post('/purchasing/products/:id/buying', async (req, res) => {
    const id = productId(req);
    try {
      await p.productBuying.set(scopeOf(req), id, submittedFields(req.body, buyingFields));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return await renderBuying(req, res, typedValues(req.body, buyingFields), failure);
    }
    setFlash(req, 'success', 'Buying details saved.');
    res.redirect(303, `/catalog/products/${id}`);
  });

  return router;
}
