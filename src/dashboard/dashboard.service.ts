import { Prisma } from '../generated/prisma/client.ts';
import type { CacheModule, CacheService, MemoizeResult, ModuleCache } from '../cache/index.ts';
import type { Scope } from '../db/scope.ts';
import { dayRange } from '../time.ts';

// The dashboard's own reads (the month's balance figures come from the balance service, for
// the roles that may see them), each cached in the `dashboard` module for CACHE_DASHBOARD_TTL
// and invalidated after commit by every event that changes one: sales, returns and
// cancellations, product and stock changes, receipts, unit and customer edits and
// the business settings (the parts' cache-events.ts).

/** The cache modules GET / reads. */
export const DASHBOARD_PAGE_MODULES = ['balance', 'dashboard'] as const satisfies readonly CacheModule[];

export interface DashboardServiceDeps {
  cache: CacheService;
  /** CACHE_DASHBOARD_TTL, seconds. */
  ttlSeconds: number;
}

export class DashboardService {
  private readonly cache: ModuleCache<'dashboard'>;

  constructor(private readonly deps: DashboardServiceDeps) {
    this.cache = deps.cache.module('dashboard');
  }

  /** Active products at or below their reorder level: how many, and the first `limit`. */
  lowStockProducts(scope: Scope, limit = 10): Promise<MemoizeResult<Awaited<ReturnType<typeof readLowStock>>>> {
    return this.memo(scope, `low-stock:${limit}`, () => readLowStock(scope, limit));
  }

  /** The last sales; with `byUserId`, only those that user recorded. */
  recentSales(scope: Scope, limit = 10, byUserId?: number): Promise<MemoizeResult<Awaited<ReturnType<typeof readRecentSales>>>> {
    return this.memo(scope, `recent:${limit}:${byUserId ?? 'all'}`, () => readRecentSales(scope, limit, byUserId));
  }

  /** What a seller sees instead of the business's figures: their own confirmed sales of `today`. */
  ownSalesOfDay(scope: Scope, today: string, timeZone: string): Promise<MemoizeResult<{ count: number; total: Prisma.Decimal }>> {
    return this.memo(scope, `own:${scope.userId}:${today}:${timeZone}`, () => readOwnSalesOfDay(scope, today, timeZone));
  }

  private memo<T>(scope: Scope, key: string, load: () => Promise<T>): Promise<MemoizeResult<T>> {
    return this.cache.memoize(scope.tenantId, key, load, { ttl: this.deps.ttlSeconds });
  }
}

async function readLowStock({ db }: Scope, limit: number) {
  const where = { active: true, quantityOnHand: { lte: db.product.fields.reorderLevel } };
  const [count, products] = await Promise.all([
    db.product.count({ where }),
    db.product.findMany({
      where,
      orderBy: [{ quantityOnHand: 'asc' }, { name: 'asc' }],
      take: limit,
      select: { id: true, sku: true, name: true, quantityOnHand: true, reorderLevel: true, unit: { select: { code: true } } },
    }),
  ]);
  return { count, products };
}

function readRecentSales({ db }: Scope, limit: number, byUserId?: number) {
  return db.sale.findMany({
    where: byUserId === undefined ? {} : { createdById: byUserId },
    orderBy: [{ soldAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: {
      id: true,
      number: true,
      soldAt: true,
      status: true,
      total: true,
      customer: { select: { id: true, name: true } },
    },
  });
}

async function readOwnSalesOfDay(
  { db, userId }: Scope,
  today: string,
  timeZone: string,
): Promise<{ count: number; total: Prisma.Decimal }> {
  const agg = await db.sale.aggregate({
    where: { createdById: userId, status: 'confirmed', soldAt: dayRange(timeZone, today, today) },
    _count: { _all: true },
    _sum: { total: true },
  });
  return { count: agg._count._all, total: agg._sum.total ?? new Prisma.Decimal(0) };
}
