import { Router } from 'express';
import { setCacheStatus } from '../http/cache-header.ts';
import type { Formatter } from '../format/index.ts';
import type { CacheStatus } from '../cache/index.ts';
import { bucketDetail, DETAIL_LIST_LIMIT } from './bucket-detail.ts';
import { resolveRequest } from './balance.request.ts';
import type { BalanceService } from './balance.service.ts';
import { csvFileName, seriesCsv } from './csv.ts';
import { bucketLabel, updatedAtText } from './labels.ts';
import { bucketStart } from './buckets.ts';
import { presetLinks, queryString, seriesView, tablePage } from './balance.view.ts';
import { readableGranularity } from './balance.rules.ts';
import { listQuery } from '../http/list-query.ts';
import { PRESET_LABELS } from './presets.ts';

// /balance (chart + table + "as of"), /balance.csv (the same series) and /balance/detail
// (the sales and payments behind one bucket). Mounted behind the sign-in guard.

export function balanceRouter(deps: { balance: BalanceService }): Router {
  const { balance } = deps;
  const router = Router();

  router.get('/balance', async (req, res) => {
    const r = await resolveRequest(req, res, balance);
    const fmt = res.locals.fmt as Formatter; // the sign-in guard's, from the same business facts
    const statuses: CacheStatus[] = [...r.cacheStatuses];
    const presets = presetLinks(r); // with the granularity asked for: "this month" stays by day
    const keepDaily = req.query.daily === '1';
    let switched: { dailyUrl: string } | undefined;
    if (r.query) {
      const readable = readableGranularity(r.query.from, r.query.to, r.query.granularity, keepDaily);
      if (readable.switched) {
        const customer = r.query.customer === 'all' ? undefined : r.query.customer;
        switched = {
          dailyUrl: `/balance?${queryString({ from: r.query.from, to: r.query.to, granularity: 'day', customer, asOf: r.form.asOf, daily: 1 })}`,
        };
        r.query = { ...r.query, granularity: readable.granularity };
        r.form.granularity = readable.granularity;
      }
    }
    let view: ReturnType<typeof seriesView> | undefined;
    let table: ReturnType<typeof tablePage> | undefined;
    let updatedAt: string | undefined;
    if (r.query) {
      // The formatted view model is cached with the series: a hit formats nothing. It depends
      // on the series and the formatter only (the language too, should a label ever be translated).
      const variant = [req.language, fmt.locale, fmt.client.tag, fmt.currency, fmt.timeZone].join('|');
      const shaped = await balance.getSeriesShaped(r.scope, r.query, variant, (series) => ({
        computedAt: series.computedAt,
        view: seriesView(series, fmt),
      }));
      statuses.push(shaped.status);
      // When the figures were computed (a cached series keeps its time); X-Cache says whether it was cached.
      updatedAt = updatedAtText(shaped.value.computedAt, fmt);
      view = shaped.value.view;
      table = tablePage(view, listQuery(req.query).page);
    }
    let asOf: { day: string; balance: string } | undefined;
    if (r.asOf && r.query) {
      const open = await balance.openBalanceAt(r.scope, r.asOf, r.query.customer);
      statuses.push(open.status);
      asOf = { day: r.asOf, balance: fmt.money(open.value) };
    }
    setCacheStatus(res, ...statuses);
    const customerName =
      r.query && r.query.customer !== 'all'
        ? (r.customers.find((c) => c.id === r.query!.customer)?.name ?? `Customer ${r.query.customer}`)
        : undefined;
    res.status(r.status).render('balance/index', {
      title: 'Balance',
      r,
      view,
      asOf,
      updatedAt,
      customerName,
      presets,
      switched,
      keepDaily,
      table,
      pageLink: (n: number) => {
        const q = r.query!;
        return `/balance?${queryString({ from: q.from, to: q.to, granularity: q.granularity, customer: q.customer === 'all' ? undefined : q.customer, asOf: r.form.asOf, daily: keepDaily ? 1 : undefined, page: n > 1 ? n : undefined })}#balance-table`;
      },
      presetLabel: PRESET_LABELS[r.preset],
      scripts: view ? ['/vendor/chart.js/chart.umd.js', '/js/balance-chart.js'] : [],
    });
  });

  router.get('/balance.csv', async (req, res) => {
    const r = await resolveRequest(req, res, balance);
    if (!r.query) {
      res
        .status(r.status)
        .type('text/plain')
        .send(`${Object.values(r.errors).join('\n')}\n`);
      return;
    }
    const series = await balance.getBalanceSeries(r.scope, r.query);
    setCacheStatus(res, ...r.cacheStatuses, series.status);
    res.attachment(csvFileName(series.value)).type('text/csv; charset=utf-8').send(seriesCsv(series.value));
  });

  router.get('/balance/detail', async (req, res) => {
    const r = await resolveRequest(req, res, balance);
    const fmt = res.locals.fmt as Formatter; // the sign-in guard's, from the same business facts
    setCacheStatus(res, ...r.cacheStatuses);
    const back = `/balance?${queryString({ from: r.form.from, to: r.form.to, granularity: r.form.granularity, customer: r.form.customer === 'all' ? undefined : r.form.customer })}`;
    if (!r.query) {
      res.status(r.status).render('balance/detail', { title: 'Balance detail', r, detail: undefined, back });
      return;
    }
    const detail = await bucketDetail(r.scope, r.query, r.facts.timeZone);
    const label = r.query.from === r.query.to ? r.query.from : `${r.query.from} – ${r.query.to}`;
    res.render('balance/detail', {
      title: `Balance detail ${label}`,
      r,
      back,
      label,
      bucketName: bucketLabel(
        { start: bucketStart(r.query.from, r.query.granularity), from: r.query.from, to: r.query.to },
        r.query.granularity,
        fmt,
      ),
      customerName: r.query.customer === 'all' ? undefined : r.customers.find((c) => c.id === r.query!.customer)?.name,
      detail,
      limit: DETAIL_LIST_LIMIT,
      // Past the limit, the full lists are the sales and payments pages with the same filters.
      salesLink: `/sales?${queryString({ from: r.query.from, to: r.query.to, customer: r.query.customer === 'all' ? undefined : r.query.customer, status: 'confirmed' })}`,
      paymentsLink: `/payments?${queryString({ from: r.query.from, to: r.query.to, customer: r.query.customer === 'all' ? undefined : r.query.customer })}`,
    });
  });

  return router;
}
