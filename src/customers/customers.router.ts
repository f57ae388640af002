import { Router, type Request, type Response } from 'express';
import type { Scope } from '../db/scope.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, submittedFields, typedValues, type FormFailure } from '../http/form-errors.ts';
import { listQuery, withPage } from '../http/list-query.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { tenantOf } from '../http/view-locals.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import type { MemoizeResult } from '../cache/index.ts';
import { parseInput } from '../db/input.ts';
import type { Formatter } from '../format/index.ts';
import { addDays, localDay } from '../time.ts';
import { StatementRangeSchema } from './customers.schema.ts';
import type { CustomersService } from './customers.service.ts';
import { countOf, pickerView } from './customer-picker.ts';
import { hasControlCharacters } from '../db/fields.ts';

// /customers: list with search, create, edit, the customer's page and printable statement.

const fields = ['token', 'name', 'email', 'phone', 'address', 'taxId', 'creditLimit', 'notes'] as const;

const customerId = (req: Request) => found(idParam(req.params.id), 'Customer');

/**
 * A customer's recent sales or payments, for the customer's page. Sales and payments build on
 * customers, so their services are handed in here by shape, not imported.
 */
export interface CustomerLists {
  list(scope: Scope, timeZone: string, filters: { customerId: number }): Promise<MemoizeResult<unknown>>;
}

export function customersRouter(deps: { customers: CustomersService; sales: CustomerLists; payments: CustomerLists }): Router {
  const { customers, sales, payments } = deps;
  const router = Router();

  router.get('/customers', async (req, res) => {
    const q = listQuery(req.query);
    const result = await customers.list(scopeOf(req), { q: q.q, page: q.page });
    setCacheStatus(res, result.status);
    res.render('customers/index', { title: 'Customers', q, ...result.value, pageLink: (n: number) => `/customers${withPage(q, n)}` });
  });

  async function renderForm(req: Request, res: Response, values: Record<string, string>, failure?: FormFailure) {
    res
      .status(failure?.status ?? 200)
      .render('customers/form', { title: values.id ? 'Edit customer' : 'New customer', values, ...formLocals(failure) });
  }

  router.get('/customers/new', (req, res) => renderForm(req, res, { token: newFormToken() }));

  // The pickers' script asks this as someone types (JSON): the matching customers and what to say about them.
  router.get('/customers/search', async (req, res) => {
    const q = typeof req.query.q === 'string' && !hasControlCharacters(req.query.q) ? req.query.q.trim().slice(0, 100) : '';
    const view = pickerView(req.t, countOf(res), (await customers.picker(scopeOf(req), { q })).value, q);
    res.json({ customers: view.options, more: view.more, status: view.status });
  });

  router.post('/customers', async (req, res) => {
    try {
      const created = await customers.create(scopeOf(req), submittedFields(req.body, fields));
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This customer had already been added; here they are.' : 'Customer added.',
      );
      return res.redirect(303, created.url || '/customers');
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values = typedValues(req.body, fields);
      await renderForm(req, res, { ...values, token: values.token || newFormToken() }, failure);
    }
  });

  router.get('/customers/:id', async (req, res) => {
    const id = customerId(req);
    const scope = scopeOf(req);
    const { value: customer, status } = await customers.get(scope, id);
    const tz = tenantOf(res).timeZone;
    const [open, recentSales, recentPayments] = await Promise.all([
      customers.openBalance(scope, id),
      sales.list(scope, tz, { customerId: id }),
      payments.list(scope, tz, { customerId: id }),
    ]);
    setCacheStatus(res, status, open.status, recentSales.status, recentPayments.status);
    const today = localDay(new Date(), tz);
    res.render('customers/show', {
      title: customer.name,
      customer,
      open: open.value,
      recentSales: recentSales.value,
      recentPayments: recentPayments.value,
      statementFrom: `${today.slice(0, 8)}01`,
      statementTo: today,
    });
  });

  router.get('/customers/:id/edit', async (req, res) => {
    const { value: c } = await customers.get(scopeOf(req), customerId(req));
    await renderForm(req, res, {
      id: String(c.id),
      name: c.name,
      email: c.email ?? '',
      phone: c.phone ?? '',
      address: c.address ?? '',
      taxId: c.taxId ?? '',
      creditLimit: c.creditLimit ? (res.locals.fmt as Formatter).input(c.creditLimit.toFixed(2)) : '',
      notes: c.notes ?? '',
    });
  });

  router.post('/customers/:id', async (req, res) => {
    const id = customerId(req);
    try {
      await customers.update(scopeOf(req), id, submittedFields(req.body, fields));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return await renderForm(req, res, { ...typedValues(req.body, fields), id: String(id) }, failure);
    }
    setFlash(req, 'success', 'Customer saved.');
    res.redirect(303, `/customers/${id}`);
  });

  router.get('/customers/:id/statement', async (req, res) => {
    const id = customerId(req);
    const scope = scopeOf(req);
    const { value: customer, status } = await customers.get(scope, id);
    const tz = tenantOf(res).timeZone;
    const today = localDay(new Date(), tz);
    const raw = {
      from: typeof req.query.from === 'string' && req.query.from ? req.query.from : addDays(today, -30),
      to: typeof req.query.to === 'string' && req.query.to ? req.query.to : today,
    };
    let range;
    try {
      range = parseInput(StatementRangeSchema, raw);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return res.status(failure.status).render('customers/statement', {
        title: `Statement · ${customer.name}`,
        customer,
        range: raw,
        statement: undefined,
        ...formLocals(failure),
      });
    }
    const statement = await customers.statement(scope, tz, id, range.from, range.to);
    setCacheStatus(res, status, statement.status);
    res.render('customers/statement', { title: `Statement · ${customer.name}`, customer, range, statement: statement.value });
  });

  return router;
}
