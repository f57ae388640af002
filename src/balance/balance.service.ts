import { assertCan } from '../auth/index.ts';
import { SingleFlight, type CacheService, type CacheStatus, type MemoizeResult, type ModuleCache } from '../cache/index.ts';
import { forTenant, type TenantDb } from '../db/tenant-scope.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ValidationError, found } from '../db/errors.ts';
import { localDay } from '../time.ts';
import { customerKey, narrowSummary, readOpenBalanceAt, readSummary, type SummaryRead } from './balance.query.ts';
import { assertSeriesQuery, rangeProblems } from './balance.rules.ts';
import type { BalanceSeries, CustomerFilter, Decimal, SeriesQuery } from './balance.types.ts';
import type { Scope } from '../db/scope.ts';
import { CUSTOMERS_KEY, openBalanceKey, seriesKey, shapedKey } from './cache-keys.ts';
import { presetRange } from './presets.ts';
import { buildSeries } from './series.ts';
import { RecentQueries } from './recent-queries.ts';

// Balance series from the daily summary (balance_days) only, cached in the `balance`
// module for CACHE_BALANCE_TTL; sales and payments invalidate it after commit.

export const BALANCE_REFUSED = "Only managers and owners can see the business's balance.";

export interface BalanceServiceDeps {
  cache: CacheService;
  /** For the warm-up, which has no request scope: it builds a tenant-scoped client. */
  prisma: PrismaClient;
  /** CACHE_BALANCE_TTL, seconds. */
  ttlSeconds: number;
  now?: () => Date;
}

export interface CustomerOption {
  id: number;
  name: string;
}

export class BalanceService {
  private readonly now: () => Date;
  private readonly recent = new RecentQueries();
  private readonly cache: ModuleCache<'balance'>;
  private readonly shaping = new SingleFlight<MemoizeResult<unknown>>();

  constructor(private readonly deps: BalanceServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.cache = deps.cache.module('balance');
  }

  /** Per bucket: sales, payments and the running open balance from the one before `from`. */
  async getBalanceSeries(scope: Scope, query: SeriesQuery): Promise<MemoizeResult<BalanceSeries>> {
    assertCan(scope, 'balance.see', BALANCE_REFUSED);
    assertSeriesQuery(query);
    const q: SeriesQuery = { from: query.from, to: query.to, granularity: query.granularity, customer: query.customer };
    this.recent.record(scope.tenantId, q);
    return this.cache.memoize(scope.tenantId, seriesKey(q), () => this.readSeries(scope.tenantId, scope.db, q), {
      ttl: this.deps.ttlSeconds,
    });
  }

  /**
   * The series as `shape` lays it out (the page's formatted view model), cached beside the
   * series in the same module, so one generation covers both: an invalidation drops the two
   * together, and a shape is only ever built from the series of the generation it is stored
   * under (its loader reads the series through the cache). `variant` names everything the
   * shape depends on besides the series (language, locale, currency, zone). The status is the
   * series' own when the shape had to be built: building it reads nothing from the database.
   */
  async getSeriesShaped<V>(
    scope: Scope,
    query: SeriesQuery,
    variant: string,
    shape: (series: BalanceSeries) => V,
  ): Promise<MemoizeResult<V>> {
    assertCan(scope, 'balance.see', BALANCE_REFUSED);
    assertSeriesQuery(query);
    const q: SeriesQuery = { from: query.from, to: query.to, granularity: query.granularity, customer: query.customer };
    this.recent.record(scope.tenantId, q);
    // Visitors who ask while one of them builds the shape share that result, status included:
    // the cache's own flight would call each of them a MISS, though none of them waited for the
    // database when the series was cached (they waited for its formatting).
    return this.shaping.run(`${scope.tenantId}|${shapedKey(q, variant)}`, async () => {
      let seriesStatus: CacheStatus | undefined;
      const shaped = await this.cache.memoize(
        scope.tenantId,
        shapedKey(q, variant),
        async () => {
          const series = await this.cache.memoize(scope.tenantId, seriesKey(q), () => this.readSeries(scope.tenantId, scope.db, q), {
            ttl: this.deps.ttlSeconds,
          });
          seriesStatus = series.status;
          return shape(series.value);
        },
        { ttl: this.deps.ttlSeconds },
      );
      return { value: shaped.value, status: shaped.status === 'MISS' && seriesStatus ? seriesStatus : shaped.status };
    }) as Promise<MemoizeResult<V>>;
  }

  /** The series straight from the database, no cache (the warm-up and checks compare with it). */
  async computeSeries(scope: Scope, q: SeriesQuery): Promise<BalanceSeries> {
    return this.readSeries(scope.tenantId, scope.db, q);
  }

  // The warm-up runs for a business, not for a user: what it reads takes the tenant and its client.
  private async readSeries(tenantId: number, db: TenantDb, q: SeriesQuery): Promise<BalanceSeries> {
    return buildSeries(q, await readSummary(db, tenantId, q), this.now());
  }

  /** Open balance at the end of `day` (any past day, or today). */
  async openBalanceAt(scope: Scope, day: string, customer: CustomerFilter): Promise<MemoizeResult<Decimal>> {
    assertCan(scope, 'balance.see', BALANCE_REFUSED);
    const problems = rangeProblems(day, day);
    if (problems.from) throw new ValidationError('Check the date.', { asOf: problems.from });
    return this.cache.memoize(
      scope.tenantId,
      openBalanceKey(day, customer),
      () => readOpenBalanceAt(scope.db, scope.tenantId, day, customer),
      { ttl: this.deps.ttlSeconds },
    );
  }

  /** The balance pages' first step: refuses a role without `balance.see` before anything is read. */
  assertReader(scope: Scope): void {
    assertCan(scope, 'balance.see', BALANCE_REFUSED);
  }

  /** Customers for the filter, by name (a sale of a new customer invalidates the module). */
  async customers(scope: Scope): Promise<MemoizeResult<CustomerOption[]>> {
    return this.readCustomers(scope.tenantId, scope.db);
  }

  private async readCustomers(tenantId: number, db: TenantDb): Promise<MemoizeResult<CustomerOption[]>> {
    return this.cache.memoize(
      tenantId,
      CUSTOMERS_KEY,
      () => db.customer.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      { ttl: this.deps.ttlSeconds },
    );
  }

  /** Whether `id` is one of the tenant's customers (also those newer than the cached list). */
  async customerExists(scope: Scope, id: number, known: readonly CustomerOption[]): Promise<boolean> {
    if (known.some((c) => c.id === id)) return true;
    return (await scope.db.customer.count({ where: { id } })) > 0;
  }

  /** Today in the tenant's zone. */
  today(timeZone: string): string {
    return localDay(this.now(), timeZone);
  }

  /**
   * Computes (or finds cached) what the tenant's next visitor will read: this month by day
   * (the page's default) and by month (the dashboard), the series asked for within the TTL,
   * and the customer list the page reads with them. A visitor who arrives before it is done
   * waits for it, so it is kept to few steps one after another: the business's zone, the
   * customers and the recent series side by side, then this month's (usually among the recent
   * ones, so already stored).
   */
  async warmBalance(tenantId: number): Promise<CacheStatus> {
    const db = forTenant(this.deps.prisma, tenantId);
    const recent = this.recent.list(tenantId, this.deps.ttlSeconds * 1000);
    const [business] = await Promise.all([
      db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true } }),
      this.readCustomers(tenantId, db),
      this.warmSeries(tenantId, db, recent),
    ]);
    const { from, to } = presetRange('this-month', this.today(found(business, 'Business').timeZone));
    const [month] = await this.warmSeries(tenantId, db, [
      { from, to, granularity: 'day', customer: 'all' },
      { from, to, granularity: 'month', customer: 'all' },
    ]);
    return month!;
  }

  /**
   * Stores each series of `list` unless cached. They differ only in range, granularity and
   * customer, so one read by day per customer, over the union of its ranges, is cut into all
   * of them (narrowSummary): one round trip, whatever the number of series.
   */
  private async warmSeries(tenantId: number, db: TenantDb, list: readonly SeriesQuery[]): Promise<CacheStatus[]> {
    const spans = new Map<number, { from: string; to: string }>();
    for (const q of list) {
      const span = spans.get(customerKey(q.customer));
      spans.set(customerKey(q.customer), span ? { from: q.from < span.from ? q.from : span.from, to: q.to > span.to ? q.to : span.to } : q);
    }
    const byDay = new Map<number, Promise<SummaryRead>>();
    const readByDay = (customer: SeriesQuery['customer']): Promise<SummaryRead> => {
      const key = customerKey(customer);
      let read = byDay.get(key);
      if (!read) byDay.set(key, (read = readSummary(db, tenantId, { ...spans.get(key)!, granularity: 'day', customer })));
      return read;
    };
    // All at once: the loaders share the reads, one database connection per customer at most.
    const results = await Promise.all(
      list.map((q) =>
        this.cache.memoize(tenantId, seriesKey(q), async () => buildSeries(q, narrowSummary(await readByDay(q.customer), q), this.now()), {
          ttl: this.deps.ttlSeconds,
        }),
      ),
    );
    return results.map((r) => r.status);
  }
}
