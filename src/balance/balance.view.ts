import type { Formatter } from '../format/index.ts';
import { addDays } from '../time.ts';
import type { BalanceSeries, Decimal } from './balance.types.ts';
import { bucketLabel, partialNote } from './labels.ts';
import { PRESETS, PRESET_LABELS, type Preset } from './presets.ts';
import type { ResolvedRequest } from './balance.request.ts';

// What the balance views get: labels, formatted amounts, links and the chart's data, so
// the templates only lay them out.

export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

/** JSON for a <script type="application/json"> block: nothing in it can close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function seriesView(series: BalanceSeries, fmt: Formatter) {
  const text = (exact: string) => fmt.money(exact);
  const money = (d: Decimal) => fmt.money(d);
  const currency = fmt.currency;
  const customer = series.customer === 'all' ? '' : `&customer=${series.customer}`;
  const granularity = `&granularity=${series.granularity}`;
  // One pass: exact text of each amount, reused by the table (formatted) and the chart.
  // `*Text` are the amounts as the rest of the app writes them (tooltips); `detail` the bucket's page (a click on a bar).
  const chart = {
    currency,
    labels: [] as string[],
    sales: [] as string[],
    payments: [] as string[],
    balance: [] as string[],
    salesText: [] as string[],
    paymentsText: [] as string[],
    balanceText: [] as string[],
    detail: [] as string[],
  };
  const rows = series.buckets.map((b) => {
    const label = bucketLabel(b, series.granularity, fmt);
    const sales = b.sales.toFixed(2);
    const payments = b.payments.toFixed(2);
    const balance = b.balance.toFixed(2);
    chart.labels.push(label);
    chart.sales.push(sales);
    chart.payments.push(payments);
    chart.balance.push(balance);
    // Days and ids only: nothing to encode.
    const detailUrl = `/balance/detail?from=${b.from}&to=${b.to}${customer}${granularity}`;
    const row = {
      label,
      note: partialNote(b, series.granularity),
      from: b.from,
      to: b.to,
      sales: text(sales),
      payments: text(payments),
      balance: text(balance),
      detailUrl,
    };
    chart.salesText.push(row.sales);
    chart.paymentsText.push(row.payments);
    chart.balanceText.push(row.balance);
    chart.detail.push(detailUrl);
    return row;
  });
  return {
    rows,
    openingDay: addDays(series.from, -1),
    opening: money(series.opening),
    totals: { sales: money(series.totals.sales), payments: money(series.totals.payments) },
    closing: money(series.closing),
    // The browser turns the exact decimal text into numbers only to draw.
    chartJson: jsonForScript(chart),
    /** For the chart's axes: the browser formats with the same Intl options as the page. */
    chartFormat: { locale: fmt.client.tag, moneyOptions: JSON.stringify(fmt.client.moneyOptions) },
    csvUrl: `/balance.csv?from=${series.from}&to=${series.to}${granularity}${customer}`,
  };
}

/** Rows of the balance table per page: a year by week fits on one. */
export const TABLE_PAGE_SIZE = 60;

type SeriesView = ReturnType<typeof seriesView>;

/**
 * One page of the table: its rows, and the balance brought forward from the page before
 * (the opening balance on the first page). The totals stay those of the whole range.
 */
export function tablePage(view: SeriesView, page: number) {
  const pages = Math.max(1, Math.ceil(view.rows.length / TABLE_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const start = (p - 1) * TABLE_PAGE_SIZE;
  const before = view.rows[start - 1];
  return {
    rows: view.rows.slice(start, start + TABLE_PAGE_SIZE),
    page: p,
    pages,
    total: view.rows.length,
    broughtForward: before
      ? { label: `Brought forward (to ${before.to})`, balance: before.balance }
      : { label: `Opening (${view.openingDay})`, balance: view.opening },
  };
}

export function presetLinks(r: ResolvedRequest): Array<{ preset: Preset; label: string; url: string; current: boolean }> {
  return PRESETS.filter((p) => p !== 'custom').map((p) => ({
    preset: p,
    label: PRESET_LABELS[p],
    url: `/balance?${queryString({ preset: p, granularity: r.form.granularity, customer: r.form.customer === 'all' ? undefined : r.form.customer })}`,
    current: r.preset === p,
  }));
}
