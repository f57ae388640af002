import { assertCan } from '../auth/index.ts';
import type { CacheService, CacheStatus, MemoizeResult, ModuleCache } from '../cache/index.ts';
import { forTenant, type TenantDb } from '../db/tenant-scope.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ValidationError, found } from '../db/errors.ts';
import { localDay } from '../time.ts';
import { readOpenBalanceAt, readSummary } from './balance.query.ts';
import { assertSeriesQuery, rangeProblems } from './balance.rules.ts';
import type { BalanceSeries, CustomerFilter, Decimal, SeriesQuery } from './balance.types.ts';
import type { Scope } from '../db/scope.ts';
import { CUSTOMERS_KEY, TENANT_KEY, openBalanceKey, seriesKey, shapedKey } from './cache-keys.ts';
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

/** Series loaded side by side by one warm-up. */
const WARM_CONCURRENCY = 5;

export interface CustomerOption {
  id: number;
  name: string;
}

export interface TenantFacts {
  name: string;
  timeZone: string;
  currency: string;
  /** Missing in a value cached before businesses had a locale: English then. */
  locale?: string;
}

export class BalanceService {
  private readonly now: () => Date;
  private readonly recent = new RecentQueries();
  private readonly cache: ModuleCache<'balance'>;

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

  /** The balance pages' first read: refuses a role without `balance.see` before anything is shown. */
  async readerFacts(scope: Scope): Promise<MemoizeResult<TenantFacts>> {
    assertCan(scope, 'balance.see', BALANCE_REFUSED);
    return this.tenantFacts(scope);
  }

  /** Name, zone and currency of the tenant (the settings event invalidates the balance module). */
  async tenantFacts(scope: Scope): Promise<MemoizeResult<TenantFacts>> {
    return this.readFacts(scope.tenantId, scope.db);
  }

  private async readFacts(tenantId: number, db: TenantDb): Promise<MemoizeResult<TenantFacts>> {
    return this.cache.memoize(
      tenantId,
      TENANT_KEY,
      async () =>
        found(
          await db.tenant.findUnique({ where: { id: tenantId }, select: { name: true, timeZone: true, currency: true, locale: true } }),
          'Business',
        ),
      { ttl: this.deps.ttlSeconds },
    );
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
   * and the tenant facts and customer list the page reads with them.
   */
  async warmBalance(tenantId: number): Promise<CacheStatus> {
    const db = forTenant(this.deps.prisma, tenantId);
    const [facts] = await Promise.all([this.readFacts(tenantId, db), this.readCustomers(tenantId, db)]);
    const { from, to } = presetRange('this-month', this.today(facts.value.timeZone));
    const month: SeriesQuery[] = [
      { from, to, granularity: 'day', customer: 'all' },
      { from, to, granularity: 'month', customer: 'all' },
    ];
    const queries = new Map([...month, ...this.recent.list(tenantId, this.deps.ttlSeconds * 1000)].map((q) => [seriesKey(q), q]));
    // A few at a time, newest first: quick, without taking every database connection.
    const list = [...queries.values()];
    const statuses: CacheStatus[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < list.length; i = next++)
        statuses[i] = (
          await this.cache.memoize(tenantId, seriesKey(list[i]!), () => this.readSeries(tenantId, db, list[i]!), {
            ttl: this.deps.ttlSeconds,
          })
        ).status;
    };
    await Promise.all(Array.from({ length: WARM_CONCURRENCY }, worker));
    return statuses[0]!;
  }
}
