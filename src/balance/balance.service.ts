import { assertCan } from '../auth/permissions.ts';
import type { CacheService, CacheStatus } from '../cache/index.ts';
import { forTenant } from '../db/tenant-scope.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ValidationError, found } from '../errors.ts';
import { localDay } from '../time.ts';
import { readOpenBalanceAt, readSummary } from './balance.query.ts';
import { assertSeriesQuery, rangeProblems } from './balance.rules.ts';
import type { BalanceReader, BalanceScope, BalanceSeries, CustomerFilter, Decimal, SeriesQuery } from './balance.types.ts';
import { BALANCE_MODULE, CUSTOMERS_KEY, TENANT_KEY, openBalanceKey, seriesKey } from './cache-keys.ts';
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

export interface Cached<T> {
  value: T;
  status: CacheStatus;
}

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

  constructor(private readonly deps: BalanceServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Per bucket: sales, payments and the running open balance from the one before `from`. */
  async getBalanceSeries(scope: BalanceReader, query: SeriesQuery): Promise<Cached<BalanceSeries>> {
    assertCan(scope.role, 'balance.see', BALANCE_REFUSED);
    assertSeriesQuery(query);
    const q: SeriesQuery = { from: query.from, to: query.to, granularity: query.granularity, customer: query.customer };
    this.recent.record(scope.tenantId, q);
    return this.deps.cache.memoize(scope.tenantId, BALANCE_MODULE, seriesKey(q), () => this.computeSeries(scope, q), {
      ttl: this.deps.ttlSeconds,
    });
  }

  /** The series straight from the database, no cache (the warm-up and checks compare with it). */
  async computeSeries(scope: BalanceScope, q: SeriesQuery): Promise<BalanceSeries> {
    return buildSeries(q, await readSummary(scope.db, scope.tenantId, q), this.now());
  }

  /** Open balance at the end of `day` (any past day, or today). */
  async openBalanceAt(scope: BalanceReader, day: string, customer: CustomerFilter): Promise<Cached<Decimal>> {
    assertCan(scope.role, 'balance.see', BALANCE_REFUSED);
    const problems = rangeProblems(day, day);
    if (problems.from) throw new ValidationError('Check the date.', { asOf: problems.from });
    return this.deps.cache.memoize(
      scope.tenantId,
      BALANCE_MODULE,
      openBalanceKey(day, customer),
      () => readOpenBalanceAt(scope.db, scope.tenantId, day, customer),
      { ttl: this.deps.ttlSeconds },
    );
  }

  /** The balance pages' first read: refuses a role without `balance.see` before anything is shown. */
  async readerFacts(scope: BalanceReader): Promise<Cached<TenantFacts>> {
    assertCan(scope.role, 'balance.see', BALANCE_REFUSED);
    return this.tenantFacts(scope);
  }

  /** Name, zone and currency of the tenant (the settings event invalidates the balance module). */
  async tenantFacts(scope: BalanceScope): Promise<Cached<TenantFacts>> {
    return this.deps.cache.memoize(
      scope.tenantId,
      BALANCE_MODULE,
      TENANT_KEY,
      async () =>
        found(
          await scope.db.tenant.findUnique({
            where: { id: scope.tenantId },
            select: { name: true, timeZone: true, currency: true, locale: true },
          }),
          'Business',
        ),
      { ttl: this.deps.ttlSeconds },
    );
  }

  /** Customers for the filter, by name (a sale of a new customer invalidates the module). */
  async customers(scope: BalanceScope): Promise<Cached<CustomerOption[]>> {
    return this.deps.cache.memoize(
      scope.tenantId,
      BALANCE_MODULE,
      CUSTOMERS_KEY,
      () => scope.db.customer.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      { ttl: this.deps.ttlSeconds },
    );
  }

  /** Whether `id` is one of the tenant's customers (also those newer than the cached list). */
  async customerExists(scope: BalanceScope, id: number, known: readonly CustomerOption[]): Promise<boolean> {
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
    const scope = { tenantId, db: forTenant(this.deps.prisma, tenantId) };
    const [facts] = await Promise.all([this.tenantFacts(scope), this.customers(scope)]);
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
          await this.deps.cache.memoize(tenantId, BALANCE_MODULE, seriesKey(list[i]!), () => this.computeSeries(scope, list[i]!), {
            ttl: this.deps.ttlSeconds,
          })
        ).status;
    };
    await Promise.all(Array.from({ length: WARM_CONCURRENCY }, worker));
    return statuses[0]!;
  }
}
