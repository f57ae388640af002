import { stringify } from 'csv-stringify/sync';
import { addDays } from '../time.ts';
import type { BalanceSeries } from './balance.types.ts';
import { bucketLabel } from './labels.ts';

// The CSV download: the same series as the page, amounts as exact decimal text.

export function seriesCsv(series: BalanceSeries): string {
  const rows: string[][] = [['period', 'from', 'to', 'sales', 'payments', 'open_balance']];
  rows.push(['opening balance', '', addDays(series.from, -1), '', '', series.opening.toFixed(2)]);
  for (const b of series.buckets)
    rows.push([bucketLabel(b, series.granularity), b.from, b.to, b.sales.toFixed(2), b.payments.toFixed(2), b.balance.toFixed(2)]);
  rows.push([
    'total',
    series.from,
    series.to,
    series.totals.sales.toFixed(2),
    series.totals.payments.toFixed(2),
    series.closing.toFixed(2),
  ]);
  return stringify(rows);
}

export function csvFileName(series: BalanceSeries): string {
  const who = series.customer === 'all' ? 'all' : `customer-${series.customer}`;
  return `balance-${series.from}-to-${series.to}-${series.granularity}-${who}.csv`;
}
