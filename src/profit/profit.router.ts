import { Router, type Response } from 'express';
import type { CacheStatus } from '../cache/index.ts';
import { createFormatter } from '../format/index.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { PRESETS, PRESET_LABELS, queryString, readableGranularity } from '../balance/index.ts';
import { localDay } from '../time.ts';
import { conventionOf } from '../catalog/index.ts';
import { resolveProfitRequest } from './profit.request.ts';
import type { ProfitService } from './profit.service.ts';
import { historicalFromDay, presetUrl, seriesView, stockValueView, topsView } from './profit.view.ts';
import { seriesCsv, seriesCsvName, stockValueCsv, stockValueCsvName } from './csv.ts';

// /profit (revenue, cost of goods sold, gross profit and margin by period; the top products,
// categories and customers; the stock value by category, now or at the end of a past day),
// /profit.csv (the same series) and /profit/stock-value.csv (every product's value).
// Mounted behind the sign-in guard; the service refuses a role without `profit.see`.

const plain = (res: Response, status: number, errors: Record<string, string>) =>
  res
    .status(status)
    .type('text/plain')
    .send(`${Object.values(errors).join('\n')}\n`);

export function profitRouter(deps: { profit: ProfitService }): Router {
  const { profit } = deps;
  const router = Router();

  router.get('/profit', async (req, res) => {
    const r = await resolveProfitRequest(req, profit);
    const fmt = (res.locals.fmt = createFormatter(r.facts));
    const statuses: CacheStatus[] = [...r.cacheStatuses];
    const keepDaily = req.query.daily === '1';
    let switched: { dailyUrl: string } | undefined;
    if (r.query) {
      const readable = readableGranularity(r.query.from, r.query.to, r.query.granularity, keepDaily);
      if (readable.switched) {
        switched = {
          dailyUrl: `/profit?${queryString({ from: r.query.from, to: r.query.to, granularity: 'day', asOf: r.form.asOf || undefined, daily: 1 })}`,
        };
        r.query = { ...r.query, granularity: readable.granularity };
        r.form.granularity = readable.granularity;
      }
    }
    let series: ReturnType<typeof seriesView> | undefined;
    let tops: ReturnType<typeof topsView> | undefined;
    // When the figures were computed (a cached series keeps its time); X-Cache says whether it was cached.
    let updatedAt: { at: Date; today: boolean } | undefined;
    if (r.query) {
      const [s, t] = await Promise.all([profit.series(r.scope, r.query), profit.tops(r.scope, r.query.from, r.query.to)]);
      statuses.push(s.status, t.status);
      series = seriesView(s.value, fmt);
      tops = topsView(t.value, fmt);
      const at = s.value.computedAt;
      updatedAt = { at, today: localDay(at, r.facts.timeZone) === r.today };
    }
    let stock: ReturnType<typeof stockValueView> | undefined;
    if (r.asOf !== undefined) {
      const v = await profit.stockValue(r.scope, r.asOf, r.facts.timeZone);
      statuses.push(v.status);
      stock = stockValueView(v.value, fmt, r.today);
    }
    setCacheStatus(res, ...statuses);
    res.status(r.status).render('profit/index', {
      title: 'Profit and stock value',
      r,
      series,
      tops,
      stock,
      updatedAt,
      switched,
      keepDaily,
      historicalFrom: r.query ? historicalFromDay(r.facts, r.query.from) : undefined,
      presets: PRESETS.filter((p) => p !== 'custom').map((p) => ({
        label: PRESET_LABELS[p],
        url: presetUrl(p, r.form.granularity, r.form.asOf),
        current: r.preset === p,
      })),
    });
  });

  router.get('/profit.csv', async (req, res) => {
    const r = await resolveProfitRequest(req, profit);
    if (!r.query) return plain(res, r.status, r.errors);
    const series = await profit.series(r.scope, r.query);
    setCacheStatus(res, ...r.cacheStatuses, series.status);
    res
      .attachment(seriesCsvName(series.value))
      .type('text/csv; charset=utf-8')
      .send(seriesCsv(series.value, conventionOf(r.facts.language)));
  });

  router.get('/profit/stock-value.csv', async (req, res) => {
    const r = await resolveProfitRequest(req, profit);
    if (r.asOf === undefined) return plain(res, r.status, { asOf: r.errors.asOf ?? 'Enter a day as YYYY-MM-DD.' });
    const products = await profit.productStockValues(r.scope, r.asOf, r.facts.timeZone);
    setCacheStatus(res, ...r.cacheStatuses);
    res
      .attachment(stockValueCsvName(r.asOf, r.today))
      .type('text/csv; charset=utf-8')
      .send(stockValueCsv(products, conventionOf(r.facts.language)));
  });

  return router;
}
