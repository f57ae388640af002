import type { Formatter } from '../format/index.ts';
import { bucketLabel, partialNote, queryString, type Granularity } from '../balance/index.ts';
import { localDay } from '../time.ts';
import type { ProfitAmounts, ProfitFacts, ProfitSeries, ProfitTops, StockValue, TopRow } from './profit.types.ts';

// What the profit view gets: labels and formatted amounts, so the template only lays them out.

function amountsView(a: ProfitAmounts, fmt: Formatter) {
  return {
    revenue: fmt.money(a.revenue),
    cost: fmt.money(a.cost),
    profit: fmt.money(a.profit),
    margin: a.margin === null ? '' : fmt.percent(a.margin.toFixed(1)),
    loss: a.profit.isNegative(),
  };
}

export function seriesView(series: ProfitSeries, fmt: Formatter) {
  return {
    rows: series.buckets.map((b) => ({
      label: bucketLabel(b, series.granularity, fmt),
      note: partialNote(b, series.granularity),
      ...amountsView(b, fmt),
    })),
    totals: amountsView(series.totals, fmt),
    csvUrl: `/profit.csv?${queryString({ from: series.from, to: series.to, granularity: series.granularity })}`,
  };
}

export function topsView(tops: ProfitTops, fmt: Formatter) {
  const row = (r: TopRow) => ({
    name: r.name,
    quantity: r.quantity === undefined ? undefined : `${fmt.quantity(r.quantity)} ${r.unit ?? ''}`.trim(),
    ...amountsView(r, fmt),
  });
  return { products: tops.products.map(row), categories: tops.categories.map(row), customers: tops.customers.map(row) };
}

export function stockValueView(value: StockValue, fmt: Formatter, today: string) {
  return {
    day: value.asOf ?? today,
    past: value.asOf !== null,
    rows: value.rows.map((r) => ({ name: r.name, products: r.products, value: fmt.money(r.value) })),
    total: fmt.money(value.total),
    csvUrl: `/profit/stock-value.csv${value.asOf ? `?${queryString({ asOf: value.asOf })}` : ''}`,
  };
}

/**
 * When the range reaches back before costs were kept at the moment of sale: the day they
 * were, for the page to say that earlier sales carry the products' cost of that day.
 */
export function historicalFromDay(facts: ProfitFacts, from: string): string | undefined {
  const day = localDay(new Date(facts.costsHistoricalFrom), facts.timeZone);
  return from < day ? day : undefined;
}

export function presetUrl(preset: string, granularity: Granularity, asOf: string): string {
  return `/profit?${queryString({ preset, granularity, asOf: asOf || undefined })}`;
}
