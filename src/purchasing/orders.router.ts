import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { can, requireCan } from '../auth/index.ts';
import { newFormToken } from '../db/form-submission.ts';
import { found } from '../db/errors.ts';
import { idField } from '../db/fields.ts';
import type { Formatter } from '../format/index.ts';
import { setFlash } from '../http/flash.ts';
import { formFailure, formLocals, type FormFailure } from '../http/form-errors.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { PurchasingServices } from './index.ts';
import { orderLinesFromBody, orderLineTexts, receiptLinesFromBody } from './forms.ts';
import { orderFileName, orderPdf } from './order-pdf.ts';
import { ORDER_STATUSES } from './orders.service.ts';
import { assertOpen } from './receiving.service.ts';

// /purchasing/orders: list, new (a draft), edit a draft, order, cancel (after a confirmation),
// print and PDF; receiving against an order; /purchasing/receipts/:id, a receipt.

const BASE = '/purchasing/orders';
/** Empty rows the order form offers below its lines. */
const BLANK_LINES = 5;

const OrderListQuerySchema = z.object({
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
  supplier: idField('Supplier').optional().catch(undefined),
  page: z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1), z.number().int().min(1)).catch(1),
});

const single = (query: unknown) =>
  Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]),
  );

export function ordersRouter(p: PurchasingServices): Router {
  const router = Router();
  const orderId = (req: Request) => found(idParam(req.params.id), 'Purchase order');

  router.get(BASE, async (req, res) => {
    const scope = scopeOf(req);
    const q = OrderListQuerySchema.parse(single(req.query));
    const [result, suppliers] = await Promise.all([
      p.orders.list(scope, { status: q.status, supplierId: q.supplier, page: q.page }),
      can(scope, 'purchase.order') ? p.suppliers.options(scope) : Promise.resolve([]),
    ]);
    const link = (n: number) => {
      const params = new URLSearchParams();
      if (q.status) params.set('status', q.status);
      if (q.supplier) params.set('supplier', String(q.supplier));
      if (n > 1) params.set('page', String(n));
      const s = params.toString();
      return s ? `${BASE}?${s}` : BASE;
    };
    res.render('purchasing/orders/index', { title: 'Purchase orders', q, ...result, suppliers, statuses: ORDER_STATUSES, pageLink: link });
  });

  async function renderForm(
    req: Request,
    res: Response,
    values: { id?: string; token?: string; supplierId: string; note: string; lines: Array<Record<string, string>>; number?: number },
    failure?: FormFailure,
  ) {
    const scope = scopeOf(req);
    const [suppliers, products] = await Promise.all([p.suppliers.options(scope), p.orders.productOptions(scope)]);
    const lines = [...values.lines];
    for (let i = 0; i < BLANK_LINES; i++) lines.push({});
    res.status(failure?.status ?? 200).render('purchasing/orders/form', {
      title: values.id ? 'Edit purchase order' : 'New purchase order',
      values: { ...values, lines },
      suppliers,
      products,
      ...formLocals(failure),
    });
  }

  router.get(`${BASE}/new`, async (req, res) => {
    requireCan(req, 'purchase.order');
    const supplier = idParam(req.query.supplier);
    await renderForm(req, res, { token: newFormToken(), supplierId: supplier ? String(supplier) : '', note: '', lines: [] });
  });

  const orderBody = (body: Record<string, unknown>) => ({ supplierId: body.supplierId, note: body.note, lines: orderLinesFromBody(body) });
  const text = (v: unknown) => (typeof v === 'string' ? v : '');

  router.post(BASE, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await p.orders.create(scopeOf(req), { token: body.token, ...orderBody(body) });
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This order had already been saved; here it is.' : 'Draft order saved.',
      );
      return res.redirect(303, created.url || BASE);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderForm(
        req,
        res,
        {
          token: text(body.token) || newFormToken(),
          supplierId: text(body.supplierId),
          note: text(body.note),
          lines: orderLineTexts(orderLinesFromBody(body)),
        },
        failure,
      );
    }
  });

  router.get(`${BASE}/:id`, async (req, res) => {
    const order = await p.orders.get(scopeOf(req), orderId(req));
    res.render('purchasing/orders/show', { title: 'Purchase order', order });
  });

  router.get(`${BASE}/:id/edit`, async (req, res) => {
    const order = await p.orders.draft(scopeOf(req), orderId(req));
    const fmt = res.locals.fmt as Formatter;
    await renderForm(req, res, {
      id: String(order.id),
      number: order.number,
      supplierId: String(order.supplierId),
      note: order.note ?? '',
      lines: order.lines.map((l) => ({
        product: `${l.product.sku} — ${l.product.name}`,
        quantity: fmt.input(l.quantity.toString()),
        unitCost: l.unitCost ? fmt.input(l.unitCost.toFixed(2)) : '',
      })),
    });
  });

  router.post(`${BASE}/:id`, async (req, res) => {
    const id = orderId(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await p.orders.update(scopeOf(req), id, orderBody(body));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const order = await p.orders.get(scopeOf(req), id);
      return await renderForm(
        req,
        res,
        {
          id: String(id),
          number: order.number,
          supplierId: text(body.supplierId),
          note: text(body.note),
          lines: orderLineTexts(orderLinesFromBody(body)),
        },
        failure,
      );
    }
    setFlash(req, 'success', 'Draft order saved.');
    res.redirect(303, `${BASE}/${id}`);
  });

  router.post(`${BASE}/:id/order`, async (req, res) => {
    const id = orderId(req);
    await p.orders.order(scopeOf(req), id);
    setFlash(req, 'success', 'Marked as ordered: it can now be received.');
    res.redirect(303, `${BASE}/${id}`);
  });

  router.get(`${BASE}/:id/cancel`, async (req, res) => {
    requireCan(req, 'purchase.order');
    const order = await p.orders.get(scopeOf(req), orderId(req));
    res.render('purchasing/orders/cancel', { title: 'Cancel purchase order', order });
  });

  router.post(`${BASE}/:id/cancel`, async (req, res) => {
    const id = orderId(req);
    await p.orders.cancel(scopeOf(req), id);
    setFlash(req, 'success', 'Purchase order cancelled.');
    res.redirect(303, `${BASE}/${id}`);
  });

  router.get(`${BASE}/:id/print`, async (req, res) => {
    const document = await p.orders.document(scopeOf(req), orderId(req));
    res.render('purchasing/orders/print', { title: 'Purchase order', ...document, scripts: ['/js/print.js'] });
  });

  router.get(`${BASE}/:id/order.pdf`, async (req, res) => {
    const document = await p.orders.document(scopeOf(req), orderId(req));
    const pdf = await orderPdf(document, (key, values) => req.t(key, values ?? {}));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${orderFileName(document.order.number)}"`);
    res.send(pdf);
  });

  async function renderReceive(req: Request, res: Response, id: number, values: Record<string, string>, failure?: FormFailure) {
    const order = await p.orders.get(scopeOf(req), id);
    res
      .status(failure?.status ?? 200)
      .render('purchasing/orders/receive', { title: 'Receive goods', order, values, ...formLocals(failure) });
  }

  router.get(`${BASE}/:id/receive`, async (req, res) => {
    const id = orderId(req);
    const order = await p.orders.get(scopeOf(req), id);
    assertOpen(order.status);
    const fmt = res.locals.fmt as Formatter;
    // Each line offers what is still outstanding: receiving everything is one click.
    const values: Record<string, string> = { token: newFormToken() };
    for (const l of order.lines)
      if (l.outstanding.greaterThan(0)) values[`lines.${l.lineNo}.quantity`] = fmt.input(l.outstanding.toString());
    await renderReceive(req, res, id, values);
  });

  router.post(`${BASE}/:id/receive`, async (req, res) => {
    const id = orderId(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const created = await p.receiving.receive(scopeOf(req), id, {
        token: body.token,
        confirmOver: body.confirmOver,
        note: body.note,
        lines: receiptLinesFromBody(body),
      });
      setFlash(
        req,
        created.replayed ? 'info' : 'success',
        created.replayed ? 'This receipt had already been recorded; here it is.' : 'Goods received.',
      );
      return res.redirect(303, created.url);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const values: Record<string, string> = {
        token: text(body.token) || newFormToken(),
        note: text(body.note),
        confirmOver: text(body.confirmOver),
      };
      for (const [key, value] of Object.entries(body)) {
        const m = /^lines\[(\d{1,4})\]\[(quantity|unitCost)\]$/.exec(key);
        if (m) values[`lines.${m[1]}.${m[2]}`] = text(value);
      }
      await renderReceive(req, res, id, values, failure);
    }
  });

  router.get('/purchasing/receipts/:id', async (req, res) => {
    const receipt = await p.receiving.receipt(scopeOf(req), found(idParam(req.params.id), 'Receipt'));
    res.render('purchasing/receipts/show', { title: 'Goods received', receipt });
  });

  return router;
}
