import { assertCan } from '../auth/index.ts';
import type { CacheService, MemoizeResult, ModuleCache } from '../cache/index.ts';
import { ValidationError, found } from '../db/errors.ts';
import { reportDbOf, type Scope } from '../db/scope.ts';
import { GRANULARITIES, rangeProblems } from '../balance/index.ts';
import { addDays, localDay, zonedInstant } from '../time.ts';
import { FACTS_KEY, seriesKey, stockValueKey, topsKey } from './cache-keys.ts';
import { readSeries, readTops } from './profit.query.ts';
import type { ProductStockValue, ProfitFacts, ProfitQuery, ProfitSeries, ProfitTops, StockValue } from './profit.types.ts';
import { readProductStockValues, readStockValue } from './stock-value.ts';

// The profit and stock value report: series and top lists from the profit summary
// (profit_days), the stock value from products or the ledger; each cached in the `profit`
// module for CACHE_PROFIT_TTL, which every sale, return, cancellation, receipt, product,
// category and settings change invalidates after commit (the parts' cache-events.ts).

export const PROFIT_REFUSED = 'Only managers and owners can see profit and stock value.';

export interface ProfitServiceDeps {
  cache: CacheService;
  /** CACHE_PROFIT_TTL, seconds. */
  ttlSeconds: number;
  now?: () => Date;
}

export class ProfitService {
  private readonly now: () => Date;
  private readonly cache: ModuleCache<'profit'>;

  constructor(private readonly deps: ProfitServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.cache = deps.cache.module('profit');
  }

  /** The report's first read: refuses a role without `profit.see` before anything is shown. */
  async facts(scope: Scope): Promise<MemoizeResult<ProfitFacts>> {
    assertCan(scope, 'profit.see', PROFIT_REFUSED);
    return this.memo(scope, FACTS_KEY, async () =>
      found(
        await scope.db.tenant.findUnique({
          where: { id: scope.tenantId },
          select: { name: true, timeZone: true, currency: true, locale: true, language: true, costsHistoricalFrom: true },
        }),
        'Business',
      ),
    );
  }

  /** Revenue, cost of goods sold, gross profit and margin per day, week or month of the range, and in total. */
  async series(scope: Scope, q: ProfitQuery): Promise<MemoizeResult<ProfitSeries>> {
    assertCan(scope, 'profit.see', PROFIT_REFUSED);
    assertQuery(q);
    const query: ProfitQuery = { from: q.from, to: q.to, granularity: q.granularity };
    return this.memo(scope, seriesKey(query), () => readSeries(scope.db, scope.tenantId, query, this.now()));
  }

  /** The products, categories and customers that earned most over the range. */
  async tops(scope: Scope, from: string, to: string): Promise<MemoizeResult<ProfitTops>> {
    assertCan(scope, 'profit.see', PROFIT_REFUSED);
    assertQuery({ from, to, granularity: 'day' });
    return this.memo(scope, topsKey(from, to), () => readTops(scope.db, scope.tenantId, from, to));
  }

  /** The stock's value by category now (asOf null or today), or at the end of a past day. */
  async stockValue(scope: Scope, asOf: string | null, timeZone: string): Promise<MemoizeResult<StockValue>> {
    assertCan(scope, 'profit.see', PROFIT_REFUSED);
    const at = this.pastDay(asOf, timeZone);
    return this.memo(scope, stockValueKey(at?.asOf ?? null), () => readStockValue(scope.db, scope.tenantId, at, this.now()));
  }

  /** Every product's stock value (the CSV download; not cached). */
  async productStockValues(scope: Scope, asOf: string | null, timeZone: string): Promise<ProductStockValue[]> {
    assertCan(scope, 'profit.see', PROFIT_REFUSED);
    // Uncached and tolerant of a little lag: a read replica may serve it (src/db/report-reads.ts).
    return readProductStockValues(await reportDbOf(scope), scope.tenantId, this.pastDay(asOf, timeZone)?.before ?? null);
  }

  /** Today in the business's zone. */
  today(timeZone: string): string {
    return localDay(this.now(), timeZone);
  }

  /** A past day and the instant it ends (the next local midnight); null for now (no day, or today). */
  private pastDay(asOf: string | null, timeZone: string): { asOf: string; before: Date } | null {
    if (asOf === null) return null;
    const problem = rangeProblems(asOf, asOf).from;
    if (problem) throw new ValidationError('Check the date.', { asOf: 'Enter a day as YYYY-MM-DD.' });
    const today = this.today(timeZone);
    if (asOf > today) throw new ValidationError('Check the date.', { asOf: 'Choose a day up to today.' });
    return asOf === today ? null : { asOf, before: zonedInstant(addDays(asOf, 1), timeZone) };
  }

  private memo<T>(scope: Scope, key: string, load: () => Promise<T>): Promise<MemoizeResult<T>> {
    return this.cache.memoize(scope.tenantId, key, load, { ttl: this.deps.ttlSeconds });
  }
}

/** Throws ValidationError (422) unless the range and granularity are ones the report answers. */
function assertQuery(q: ProfitQuery): void {
  const errors = rangeProblems(q.from, q.to);
  if (!GRANULARITIES.includes(q.granularity)) errors.granularity = 'Choose day, week or month.';
  if (Object.keys(errors).length) throw new ValidationError('Check the date range.', errors);
}
