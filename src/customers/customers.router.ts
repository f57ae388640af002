import { Router, type Request, type Response } from 'express';
import type { Dependencies } from '../container.ts';
import { newFormToken } from '../db/form-submission.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { setFlash } from '../http/flash.ts';
import { idParam, listQuery, withPage } from '../http/list-query.ts';
import { scopeOf } from '../http/request-scope.ts';
import { fieldErrors } from '../http/validation.ts';
import { loadTenantView, tenantOf, tenantViewLocalsForPages } from '../sales/view-locals.ts';
import { addDays, localDay } from '../time.ts';
import { StatementRangeSchema } from './customers.schema.ts';
import { customerStatement } from './statement.ts';

// /customers: list with search, create, edit, the customer's page and printable statement.

const fields = ['token', 'name', 'email', 'phone', 'address', 'taxId', 'creditLimit', 'notes'] as const;

function formValues(body: unknown): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof b[f] === 'string' ? (b[f] as string) : '']));
}

/** The form's fields as sent: a field sent twice (or not as text) is refused by validation, not dropped. */
function submitted(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, b[f]]));
}

function customerId(req: Request): number {
  const id = idParam(req.params.id);
  if (!id) throw new NotFoundError('Customer');
  return id;
}

export function customersRouter(deps: Pick<Dependencies, 'customers' | 'sales' | 'payments'>): Router {
  const { customers, sales, payments } = deps;
  const router = Router();
  router.use('/customers', tenantViewLocalsForPages);

  router.get('/customers', async (req, res) => {
    const q = listQuery(req.query);
    const result = await customers.list(scopeOf(req).db, { q: q.q, page: q.page });
    res.render('customers/index', { title: 'Customers', q, ...result, pageLink: (n: number) => `/customers${withPage(q, n)}` });
  });

  async function renderForm(req: Request, res: Response, status: number, values: Record<string, string>, extra: Record<string, unknown> = {}) {
    await loadTenantView(req, res);
    res.status(status).render('customers/form', { title: values.id ? 'Edit customer' : 'New customer', values, ...extra });
  }

  router.get('/customers/new', (req, res) => renderForm(req, res, 200, { token: newFormToken() }));

  router.post('/customers', async (req, res) => {
    const values = formValues(req.body);
    try {
      const created = await customers.create(scopeOf(req), submitted(req.body));
      setFlash(req, created.replayed ? 'info' : 'success', created.replayed ? 'This customer had already been added; here they are.' : 'Customer added.');
      return res.redirect(303, created.url || '/customers');
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      await renderForm(req, res, error.status, { ...values, token: values.token || newFormToken() }, { errors: error.fields, error: error.message });
    }
  });

  router.get('/customers/:id', async (req, res) => {
    const id = customerId(req);
    const { db } = scopeOf(req);
    const customer = await customers.get(db, id);
    const tz = tenantOf(res).timeZone;
    const [open, recentSales, recentPayments] = await Promise.all([
      customers.openBalance(db, id),
      sales.list(db, tz, { customerId: id }),
      payments.list(db, tz, { customerId: id }),
    ]);
    const today = localDay(new Date(), tz);
    res.render('customers/show', { title: customer.name, customer, open, recentSales, recentPayments, statementFrom: `${today.slice(0, 8)}01`, statementTo: today });
  });

  router.get('/customers/:id/edit', async (req, res) => {
    const c = await customers.get(scopeOf(req).db, customerId(req));
    await renderForm(req, res, 200, { id: String(c.id), name: c.name, email: c.email ?? '', phone: c.phone ?? '', address: c.address ?? '', taxId: c.taxId ?? '', creditLimit: c.creditLimit?.toFixed(2) ?? '', notes: c.notes ?? '' });
  });

  router.post('/customers/:id', async (req, res) => {
    const id = customerId(req);
    const values = formValues(req.body);
    try {
      await customers.update(scopeOf(req).db, id, submitted(req.body));
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      return await renderForm(req, res, error.status, { ...values, id: String(id) }, { errors: error.fields, error: error.message });
    }
    setFlash(req, 'success', 'Customer saved.');
    res.redirect(303, `/customers/${id}`);
  });

  router.get('/customers/:id/statement', async (req, res) => {
    const id = customerId(req);
    const { db } = scopeOf(req);
    const customer = await customers.get(db, id);
    const tz = tenantOf(res).timeZone;
    const today = localDay(new Date(), tz);
    const raw = { from: typeof req.query.from === 'string' && req.query.from ? req.query.from : addDays(today, -30), to: typeof req.query.to === 'string' && req.query.to ? req.query.to : today };
    const parsed = StatementRangeSchema.safeParse(raw);
    if (!parsed.success) {
      return res.status(422).render('customers/statement', { title: `Statement · ${customer.name}`, customer, range: raw, errors: fieldErrors(parsed.error), statement: undefined });
    }
    const statement = await customerStatement(db, tz, id, parsed.data.from, parsed.data.to);
    res.render('customers/statement', { title: `Statement · ${customer.name}`, customer, range: parsed.data, statement });
  });

  return router;
}
