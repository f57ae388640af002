import { stringify } from 'csv-stringify/sync';
import { Prisma } from '../generated/prisma/client.ts';
import { bucketLabel } from '../balance/index.ts';
import { csvNumber, protectCell, type CsvConvention } from '../catalog/index.ts';
import type { ProductStockValue, ProfitSeries } from './profit.types.ts';

// The downloads: the same series as the page, and every product's stock value, in the
// business's CSV convention (its language's delimiter and decimal mark) after a UTF-8
// byte-order mark; amounts as exact decimal text, periods and headers in English.

const BOM = '\uFEFF';

export function seriesCsv(series: ProfitSeries, convention: CsvConvention): string {
  const num = (text: string) => csvNumber(text, convention);
  const margin = (m: ProfitSeries['totals']['margin']) => (m === null ? '' : num(m.toFixed(1)));
  const rows: string[][] = [['period', 'from', 'to', 'revenue', 'cost_of_goods_sold', 'gross_profit', 'margin_percent']];
  for (const b of series.buckets)
    rows.push([
      bucketLabel(b, series.granularity),
      b.from,
      b.to,
      num(b.revenue.toFixed(2)),
      num(b.cost.toFixed(2)),
      num(b.profit.toFixed(2)),
      margin(b.margin),
    ]);
  const t = series.totals;
  rows.push([
    'total',
    series.from,
    series.to,
    num(t.revenue.toFixed(2)),
    num(t.cost.toFixed(2)),
    num(t.profit.toFixed(2)),
    margin(t.margin),
  ]);
  return BOM + stringify(rows, { delimiter: convention.delimiter });
}

export function seriesCsvName(series: ProfitSeries): string {
  return `profit-${series.from}-to-${series.to}-${series.granularity}.csv`;
}

export function stockValueCsv(products: readonly ProductStockValue[], convention: CsvConvention): string {
  const num = (text: string) => csvNumber(text, convention);
  const rows: string[][] = [['sku', 'name', 'category', 'unit', 'quantity', 'average_cost', 'value']];
  for (const p of products)
    rows.push([
      protectCell(p.sku),
      protectCell(p.name),
      protectCell(p.category),
      p.unit,
      num(p.quantity.toFixed()),
      num(p.cost.toFixed(2)),
      num(p.value.toFixed(2)),
    ]);
  const total = products.reduce((s, p) => s.plus(p.value), new Prisma.Decimal(0));
  rows.push(['total', '', '', '', '', '', num(total.toFixed(2))]);
  return BOM + stringify(rows, { delimiter: convention.delimiter });
}

export function stockValueCsvName(asOf: string | null, today: string): string {
  return `stock-value-${asOf ?? today}.csv`;
}
