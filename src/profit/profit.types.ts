import type { Prisma } from '../generated/prisma/client.ts';
import type { BucketSpan, Granularity } from '../balance/index.ts';

export type Decimal = Prisma.Decimal;

export interface ProfitQuery {
  /** First and last local day of the range, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  granularity: Granularity;
}

/** Revenue (net of discounts, before tax), cost of goods sold, and what is left of it. */
export interface ProfitAmounts {
  revenue: Decimal;
  cost: Decimal;
  profit: Decimal;
  /** Gross profit ÷ revenue × 100, to one decimal; null without revenue. */
  margin: Decimal | null;
}

export interface ProfitBucket extends BucketSpan, ProfitAmounts {}

export interface ProfitSeries extends ProfitQuery {
  buckets: ProfitBucket[];
  totals: ProfitAmounts;
  computedAt: Date;
}

export interface TopRow extends ProfitAmounts {
  id: number | null;
  name: string;
  /** Products: net units sold and their unit. */
  quantity?: Decimal;
  unit?: string;
}

export interface ProfitTops {
  products: TopRow[];
  categories: TopRow[];
  customers: TopRow[];
}

export interface StockValueRow {
  categoryId: number | null;
  /** "Parent › Category"; empty for products without a category (the view names them). */
  name: string;
  /** Products with stock in the category. */
  products: number;
  value: Decimal;
}

export interface StockValue {
  /** The local day whose end the value is of; null: now. */
  asOf: string | null;
  rows: StockValueRow[];
  total: Decimal;
  computedAt: Date;
}

export interface ProductStockValue {
  sku: string;
  name: string;
  category: string;
  unit: string;
  quantity: Decimal;
  cost: Decimal;
  value: Decimal;
}

/** What the report needs of the business: name, zone, currency, how numbers and CSV are written, since when costs are historical. */
export interface ProfitFacts {
  name: string;
  timeZone: string;
  currency: string;
  locale: string;
  language: string | null;
  costsHistoricalFrom: Date;
}
