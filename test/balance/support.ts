import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createCacheService, type CacheService } from '../../src/cache/index.ts';
import type { CacheConfig } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { ownerScope, type Scope } from '../../src/db/scope.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { createBalance, type BalanceParts } from '../../src/balance/index.ts';
import { SALES_EVENTS } from '../../src/sales/cache-events.ts';
import type { CustomerFilter, Granularity } from '../../src/balance/balance.types.ts';
import { localDay } from '../../src/time.ts';

// Fixtures of the balance tests: a demo-seeded tenant, the balance service over an
// in-process (or Redis) cache, and an independent recomputation of a series from the raw
// sales and payments, in plain JavaScript, sharing no code with src/balance.

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

export const silentLogger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

export function testCache(
  prisma: PrismaClient,
  overrides: Partial<CacheConfig> = {},
  redis?: Parameters<typeof createCacheService>[0]['redis'],
): CacheService {
  const config = loadConfig({ NODE_ENV: 'test' }).cache;
  return createCacheService({ config: { ...config, ...overrides }, redis, prisma, logger: silentLogger, metrics: new Registry() });
}

export function testBalance(
  prisma: PrismaClient,
  cache = testCache(prisma),
  opts: { ttlSeconds?: number; warmDelayMs?: number } = {},
): BalanceParts & { cache: CacheService; rawCache: CacheService } {
  cache.declareEvents(SALES_EVENTS);
  const parts = createBalance({
    cache,
    prisma,
    ttlSeconds: opts.ttlSeconds ?? 60,
    logger: silentLogger,
    warmDelayMs: opts.warmDelayMs ?? 20,
  });
  return {
    ...parts,
    cache,
    rawCache: cache,
    async close() {
      await parts.close();
      await cache.close();
    },
  };
}

let tenants = 0;

export async function demoTenant(
  prisma: PrismaClient,
  opts: { timeZone: string; days: number; until: string; salesPerDay?: number; products?: number },
): Promise<{ tenantId: number; scope: Scope }> {
  const tenant = await prisma.tenant.create({
    data: {
      name: `Balance ${++tenants}-${process.pid}-${Date.now()}`,
      timeZone: opts.timeZone,
      currency: 'EUR',
      defaultTaxRate: new Decimal(21),
    },
  });
  await seedDemoData(prisma, {
    tenantId: tenant.id,
    days: opts.days,
    products: opts.products ?? 30,
    salesPerDay: opts.salesPerDay ?? 6,
    until: opts.until,
    seed: 4242 + tenants,
  });
  // Services take a scope (who acts): the business's owner, added after the seed so it writes the same data.
  await prisma.user.create({ data: { tenantId: tenant.id, email: `owner-${tenant.id}@balance.test`, passwordHash: '-', role: 'owner' } });
  return { tenantId: tenant.id, scope: await ownerScope(prisma, tenant.id) };
}

export interface ExpectedBucket {
  from: string;
  to: string;
  sales: string;
  payments: string;
  balance: string;
}

/** Raw events of a tenant as (local day, customer, sales, payments): confirmed sales and payments. */
export async function rawEvents(
  prisma: PrismaClient,
  tenantId: number,
): Promise<Array<{ day: string; customerId: number | null; sales: Decimal; payments: Decimal }>> {
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const [sales, payments] = await Promise.all([
    prisma.sale.findMany({ where: { tenantId, status: 'confirmed' }, select: { soldAt: true, customerId: true, total: true } }),
    prisma.payment.findMany({ where: { tenantId }, select: { paidAt: true, customerId: true, amount: true } }),
  ]);
  return [
    ...sales.map((s) => ({ day: localDay(s.soldAt, tenant.timeZone), customerId: s.customerId, sales: s.total, payments: new Decimal(0) })),
    ...payments.map((p) => ({
      day: localDay(p.paidAt, tenant.timeZone),
      customerId: p.customerId,
      sales: new Decimal(0),
      payments: p.amount,
    })),
  ];
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The bucket a day belongs to, worked out differently from src/balance/buckets.ts. */
function bucketOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  // ISO week: the Monday on or before the day.
  let d = day;
  while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 1) {
    const x = new Date(`${d}T12:00:00Z`);
    x.setUTCDate(x.getUTCDate() - 1);
    d = x.toISOString().slice(0, 10);
  }
  return d;
}

/** The series as it should be, from the raw rows, walking day by day. */
export async function recomputeSeries(
  prisma: PrismaClient,
  tenantId: number,
  q: { from: string; to: string; granularity: Granularity; customer: CustomerFilter },
): Promise<{ opening: string; buckets: ExpectedBucket[] }> {
  const events = (await rawEvents(prisma, tenantId)).filter((e) => q.customer === 'all' || e.customerId === q.customer);
  let opening = new Decimal(0);
  const byDay = new Map<string, { sales: Decimal; payments: Decimal }>();
  for (const e of events) {
    if (e.day < q.from) opening = opening.plus(e.sales).minus(e.payments);
    else if (e.day <= q.to) {
      const t = byDay.get(e.day) ?? { sales: new Decimal(0), payments: new Decimal(0) };
      byDay.set(e.day, { sales: t.sales.plus(e.sales), payments: t.payments.plus(e.payments) });
    }
  }
  const buckets: Array<{ key: string; from: string; to: string; sales: Decimal; payments: Decimal; balance: Decimal }> = [];
  let balance = opening;
  for (let day = q.from; day <= q.to; day = nextDay(day)) {
    const key = bucketOf(day, q.granularity);
    let b = buckets.at(-1);
    if (!b || b.key !== key) buckets.push((b = { key, from: day, to: day, sales: new Decimal(0), payments: new Decimal(0), balance }));
    const t = byDay.get(day);
    b.to = day;
    if (t) {
      b.sales = b.sales.plus(t.sales);
      b.payments = b.payments.plus(t.payments);
      balance = balance.plus(t.sales).minus(t.payments);
    }
    b.balance = balance;
  }
  return {
    opening: opening.toFixed(2),
    buckets: buckets.map((b) => ({
      from: b.from,
      to: b.to,
      sales: b.sales.toFixed(2),
      payments: b.payments.toFixed(2),
      balance: b.balance.toFixed(2),
    })),
  };
}

/** A series as plain strings, to compare with recomputeSeries. */
export function plain(series: {
  opening: Decimal;
  buckets: Array<{ from: string; to: string; sales: Decimal; payments: Decimal; balance: Decimal }>;
}) {
  return {
    opening: series.opening.toFixed(2),
    buckets: series.buckets.map((b) => ({
      from: b.from,
      to: b.to,
      sales: b.sales.toFixed(2),
      payments: b.payments.toFixed(2),
      balance: b.balance.toFixed(2),
    })),
  };
}
