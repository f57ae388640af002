import { Router, type RequestHandler } from 'express';
import { assertCan } from '../auth/index.ts';
import { parseInput } from '../db/input.ts';
import { uploadBody, type UploadRoute } from '../http/upload-body.ts';
import { ProductListQuerySchema } from './products.schema.ts';
import { requireCan } from '../auth/index.ts';
import { setFlash } from '../http/flash.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { CatalogServices } from './index.ts';

/** CSV import (preview, then import; managers) and export (everyone) of products. */
export function productCsvRoutes(catalog: CatalogServices, base: string, upload: UploadRoute): Router {
  const router = Router();

  router.get(`${base}/import`, (req, res) => {
    // The page alone writes nothing; preview and import are refused by the service.
    requireCan(req, 'catalog.import');
    res.render('catalog/products/import', { preview: null, csv: '' });
  });

  // Who may import is checked before the file is read.
  const mayImport: RequestHandler = (req, _res, next) => {
    assertCan(scopeOf(req), 'catalog.import');
    next();
  };

  router.post(upload.path, mayImport, ...uploadBody(upload), async (req, res) => {
    const ctx = scopeOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const csv = typeof body.csv === 'string' ? body.csv : '';
    if (body.action === 'import') {
      const { preview, written } = await catalog.productImport.import(ctx, csv);
      if (written) {
        const { creates, updates } = preview;
        setFlash(
          req,
          'success',
          req.t('Imported {{count}} products: {{creates}} new, {{updates}} updated.', { count: preview.rows.length, creates, updates }),
        );
        return res.redirect(303, base);
      }
      return res.status(422).render('catalog/products/import', { preview, csv: preview.echo ? csv : '' });
    }
    const preview = await catalog.productImport.preview(ctx, csv);
    res.status(preview.ok ? 200 : 422).render('catalog/products/import', { preview, csv: preview.echo ? csv : '' });
  });

  router.get(`${base}/export.csv`, async (req, res) => {
    const csv = await catalog.productExport.csv(scopeOf(req), parseInput(ProductListQuerySchema, req.query));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="products-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.send(csv);
  });

  return router;
}
