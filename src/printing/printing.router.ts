import { Router, type Request, type Response } from 'express';
import { found } from '../db/errors.ts';
import { formFailure, formLocals, type FormFailure } from '../http/form-errors.ts';
import { hasControlCharacters } from '../db/fields.ts';
import { idParam } from '../http/params.ts';
import { scopeOf } from '../http/request-scope.ts';
import { ReceiptFormatSchema, type ReceiptFormat } from '../settings/index.ts';
import { invoiceFileName, invoicePdf } from './invoice-pdf.ts';
import { itemsFromBody, itemsFromSheetQuery, sheetQuery } from './labels.schema.ts';
import type { PrintingService } from './printing.service.ts';

// Receipts (80 mm, 58 mm, A4), the PDF invoice and label sheets. Thin: the printing service
// reads and numbers; views lay out.

export const receiptFormatLabels: Record<ReceiptFormat, string> = { '80mm': '80 mm', '58mm': '58 mm', a4: 'A4' };

const FORMAT_COOKIE = 'receipt_format';
const FORMAT_COOKIE_MS = 365 * 24 * 3600 * 1000;

/** One cookie's value from the request (no cookie parser: the session middleware reads its own). */
function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function printingRouter(deps: { printing: PrintingService; secureCookies: boolean }): Router {
  const { printing } = deps;
  const router = Router();
  const saleId = (req: Request) => found(idParam(req.params.id), 'Sale');

  router.get('/sales/:id/receipt', async (req, res) => {
    const scope = scopeOf(req);
    const id = saleId(req);
    const document = await printing.receipt(scope, id);
    // ?format= picks the paper and this browser remembers it (one till prints 58 mm, another
    // A4); otherwise the browser's last choice, else the business's default.
    const chosen = ReceiptFormatSchema.safeParse(req.query.format);
    const remembered = ReceiptFormatSchema.safeParse(cookie(req, FORMAT_COOKIE));
    const format = chosen.success ? chosen.data : remembered.success ? remembered.data : document.seller.receiptFormat;
    if (chosen.success)
      res.cookie(FORMAT_COOKIE, chosen.data, {
        path: '/sales',
        maxAge: FORMAT_COOKIE_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
      });
    res.setHeader('Cache-Control', 'no-store');
    res.render('sales/receipt', {
      title: req.t('Receipt · sale #{{number}}', { number: document.sale.number }),
      ...document,
      format,
      formats: Object.entries(receiptFormatLabels).map(([value, label]) => ({
        value,
        label,
        href: `/sales/${id}/receipt?format=${value}`,
      })),
      styles: [`/css/receipt-${format}.css`],
      scripts: ['/js/print.js'],
    });
  });

  router.get('/sales/:id/invoice.pdf', async (req, res) => {
    const invoice = await printing.invoice(scopeOf(req), saleId(req));
    const pdf = await invoicePdf(invoice, (key, values) => req.t(key, values ?? {}));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${invoiceFileName(invoice)}"`);
    res.send(pdf);
  });

  async function renderLabelForm(
    req: Request,
    res: Response,
    rows: { productIds: number[]; q: string; counts?: Map<number, string>; dropUnknown?: boolean },
    failure?: FormFailure,
  ) {
    const { rows: products, moreMatching } = await printing.labelRows(scopeOf(req), {
      productIds: rows.productIds,
      q: rows.q,
      dropUnknown: rows.dropUnknown,
    });
    const values = Object.fromEntries(
      products.map((p, i) => [`items.${i}.count`, rows.counts?.get(p.productId) ?? String(p.defaultCount)]),
    );
    res
      .status(failure?.status ?? 200)
      .render('catalog/labels/form', { title: 'Print labels', products, moreMatching, q: rows.q, values, ...formLocals(failure) });
  }

  router.get('/catalog/labels', async (req, res) => {
    const ids = [
      ...new Set(
        ([] as unknown[])
          .concat(req.query.product ?? [])
          .map(idParam)
          .filter((id): id is number => id !== undefined),
      ),
    ].slice(0, 200);
    const q = typeof req.query.q === 'string' && !hasControlCharacters(req.query.q) ? req.query.q.slice(0, 100) : '';
    // ?count= with one product: the number just received (a link from its stock movements) instead of the quantity on hand.
    const count =
      typeof req.query.count === 'string' && /^\d{1,4}$/.test(req.query.count) && ids.length === 1
        ? new Map([[ids[0]!, String(Number(req.query.count))]])
        : undefined;
    await renderLabelForm(req, res, { productIds: ids, q, counts: count });
  });

  router.post('/catalog/labels', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const items = itemsFromBody(body);
    try {
      const request = await printing.labelRequest(scopeOf(req), items);
      res.redirect(303, `/catalog/labels/sheet?items=${sheetQuery(request)}`);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      // The rows as sent (an id that is not this business's is not shown again).
      const productIds = items.map((i) => idParam(i.productId)).filter((id): id is number => id !== undefined);
      const counts = new Map(
        items.flatMap((i) => (idParam(i.productId) && typeof i.count === 'string' ? [[idParam(i.productId)!, i.count] as const] : [])),
      );
      await renderLabelForm(req, res, { productIds, q: '', counts, dropUnknown: true }, failure);
    }
  });

  router.get('/catalog/labels/sheet', async (req, res) => {
    const scope = scopeOf(req);
    const items = itemsFromSheetQuery(req.query.items);
    try {
      const labels = await printing.labels(scope, items);
      res.render('catalog/labels/sheet', {
        title: req.t('Labels ({{n}})', { n: labels.length }),
        labels,
        styles: ['/css/labels.css'],
        scripts: ['/js/print.js'],
        editHref: `/catalog/labels?${[...new Set(labels.map((l) => l.productId))].map((id) => `product=${id}`).join('&')}`,
      });
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      await renderLabelForm(req, res, { productIds: [], q: '' }, failure);
    }
  });

  return router;
}
