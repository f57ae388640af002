import { randomBytes } from 'node:crypto';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createLogger } from '../../src/logger.ts';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { expectedProfitSql, verifyProfitSummary } from '../../src/profit/index.ts';
import { addDays, localDay } from '../../src/time.ts';
import { createBenchDatabase, deleteKeysWithPrefix, signInCookie } from '../support.ts';
import type { BenchRow } from '../types.ts';
import { autocannon, seedTenant, startApp, type Load, type Running } from './balance.ts';

// /profit for a year, by week, on the balance bench's busy shop (365 days × 300 sales/day, 3
// lines each, bulk seeded) and its quiet one (30 a day): each sale line at its product's
// cost, profit_days written by the summary rule (and checked with verifyProfitSummary), and
// the ledger to match (an opening receipt per product, a movement per line, one back per
// cancellation). Served with the cache disabled and from L1, in interleaved rounds; the
// uncached p50 at 300 vs 30 sales a day; and, for the record, the page with the stock value
// at the end of a day six months back (read from the ledger: its cost grows with the
// movements before that day, unlike the rest of the page's).
// Sizes: BENCH_PROFIT_DAYS (365), BENCH_PROFIT_PER_DAY (300), BENCH_PROFIT_SECONDS (5) per
// autocannon run, BENCH_PROFIT_ROUNDS (3).

export const needs = ['redis', 'postgresql'] as const;

const PART = 'profit';
const DAYS = Number(process.env.BENCH_PROFIT_DAYS ?? 365);
const PER_DAY = Number(process.env.BENCH_PROFIT_PER_DAY ?? 300);
const SMALL_PER_DAY = Math.max(1, Math.round(PER_DAY / 10));
const SECONDS = Number(process.env.BENCH_PROFIT_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_PROFIT_ROUNDS ?? 3);
const ZONE = 'Europe/Madrid';
const PASSWORD = 'bench-password-123';
const logger = createLogger('silent');

/** The profit summary by its rule, and the ledger the seeded sales imply, for one seeded tenant. */
async function seedProfit(prisma: PrismaClient, tenantId: number): Promise<number> {
  const started = performance.now();
  const t = tenantId;
  // Opening stock on the first seeded day: what is on hand now plus what the confirmed sales took.
  await prisma.$executeRaw`INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, average_cost, created_at)
    SELECT p.tenant_id, p.id, 'receipt', p.quantity_on_hand + COALESCE(s.q, 0), 'Opening stock', p.cost, f.first - interval '1 hour'
      FROM products p
      CROSS JOIN (SELECT min(sold_at) AS first FROM sales WHERE tenant_id = ${t}::int) f
      LEFT JOIN (SELECT l.product_id, SUM(l.quantity) AS q FROM sale_lines l JOIN sales x ON x.id = l.sale_id
                  WHERE x.tenant_id = ${t}::int AND x.status = 'confirmed' GROUP BY 1) s ON s.product_id = p.id
     WHERE p.tenant_id = ${t}::int`;
  await prisma.$executeRaw`INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, average_cost, created_at)
    SELECT l.tenant_id, l.product_id, 'sale', -l.quantity, 'Sale #' || s.number, s.id, l.unit_cost, s.sold_at
      FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.tenant_id = ${t}::int ORDER BY s.id, l.line_no`;
  await prisma.$executeRaw`INSERT INTO stock_movements (tenant_id, product_id, kind, quantity, reason, sale_id, unit_cost, average_cost, created_at)
    SELECT l.tenant_id, l.product_id, 'cancellation', l.quantity, 'Sale #' || s.number || ' cancelled', s.id, l.unit_cost, l.unit_cost, s.cancelled_at
      FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.tenant_id = ${t}::int AND s.status = 'cancelled' ORDER BY s.id, l.line_no`;
  await prisma.$executeRaw(Prisma.sql`INSERT INTO profit_days (tenant_id, slice, day, key, revenue, cost, quantity)
    SELECT ${t}::int, slice, day, key, revenue, cost, quantity FROM (${expectedProfitSql(t)}) e`);
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = await createBenchDatabase('profit', { suffix: String(process.pid), replaceExisting: true });
  const prefix = `bench-profit-${randomBytes(4).toString('hex')}`;
  const running: Running[] = [];
  try {
    const db = await createDatabase({ databaseUrl: database.url });
    await applyMigrations(db, logger);
    const until = localDay(new Date(), ZONE);
    console.error(`bench profit: seeding ${DAYS} days × ${PER_DAY} sales/day and × ${SMALL_PER_DAY} …`);
    const big = await seedTenant(db.prisma, 'Busy shop', DAYS, PER_DAY, until);
    const small = await seedTenant(db.prisma, 'Quiet shop', DAYS, SMALL_PER_DAY, until);
    const bigProfit = await seedProfit(db.prisma, big.tenantId);
    await seedProfit(db.prisma, small.tenantId);
    await db.prisma.$executeRawUnsafe('ANALYZE');
    const check = await verifyProfitSummary(db.prisma, big.tenantId);
    const [counts] = await db.prisma.$queryRaw<Array<{ summary: number; movements: number }>>`
      SELECT (SELECT count(*) FROM profit_days WHERE tenant_id = ${big.tenantId}::int)::int AS summary,
             (SELECT count(*) FROM stock_movements WHERE tenant_id = ${big.tenantId}::int)::int AS movements`;
    rows.push({
      part: PART,
      name: `seed ${big.sales} sales, ${big.lines} lines, ${counts!.movements} movements, ${counts!.summary} summary rows (summary exact: ${check.ok ? 'yes' : 'NO'})`,
      value: big.seconds + bigProfit,
      unit: 's',
    });
    await db.close();

    const from = addDays(until, -364);
    const path = `/profit?from=${from}&to=${until}&granularity=week`;
    const pastPath = `${path}&asOf=${addDays(until, -182)}`;
    const apps = {
      a: await startApp(database.url, { CACHE_ENABLED: 'false' }, `${prefix}-a`),
      c: await startApp(database.url, { CACHE_PROFIT_TTL: '600' }, `${prefix}-c`),
    };
    running.push(...Object.values(apps));
    const cookie = {
      a: await signInCookie(apps.a.baseUrl, big.email, PASSWORD),
      c: await signInCookie(apps.c.baseUrl, big.email, PASSWORD),
    };
    const quietCookie = await signInCookie(apps.a.baseUrl, small.email, PASSWORD);
    const modes = [
      { id: 'a', name: '(a) cache disabled', url: apps.a.baseUrl + path, cookie: cookie.a },
      { id: 'a30', name: `(a) cache disabled, ${SMALL_PER_DAY} sales/day`, url: apps.a.baseUrl + path, cookie: quietCookie },
      { id: 'c', name: '(c) L1 hit', url: apps.c.baseUrl + path, cookie: cookie.c },
      { id: 'e', name: '(e) cache disabled, with the stock value 182 days back', url: apps.a.baseUrl + pastPath, cookie: cookie.a },
      {
        id: 'e30',
        name: `(e) cache disabled, stock value 182 days back, ${SMALL_PER_DAY} sales/day`,
        url: apps.a.baseUrl + pastPath,
        cookie: quietCookie,
      },
    ];
    for (const m of modes) {
      const first = await fetch(m.url, { headers: { cookie: m.cookie } });
      if (first.status !== 200) throw new Error(`bench profit: ${m.url} answered ${first.status}`);
      await first.arrayBuffer();
      for (let i = 0; i < 2; i++) await (await fetch(m.url, { headers: { cookie: m.cookie } })).arrayBuffer();
    }
    const loads = new Map<string, Load[]>(modes.map((m) => [m.id, []]));
    for (let round = 0; round < ROUNDS; round++) for (const m of modes) loads.get(m.id)!.push(await autocannon(m.url, m.cookie, SECONDS));
    const result = (id: string): Load => {
      const ls = loads.get(id)!;
      return {
        rps: median(ls.map((l) => l.rps)),
        p50: median(ls.map((l) => l.p50)),
        p99: median(ls.map((l) => l.p99)),
        errors: ls.reduce((n, l) => n + l.errors, 0),
        non2xx: ls.reduce((n, l) => n + l.non2xx, 0),
      };
    };
    for (const m of modes) {
      const load = result(m.id);
      rows.push({
        part: PART,
        name: `${m.name}: p50 / p99 ${load.p50} / ${load.p99} ms${load.errors + load.non2xx ? `, ${load.errors + load.non2xx} errors` : ''}`,
        value: load.rps,
        unit: 'req/s',
      });
    }
    const uncached = result('a');
    const hit = result('c');
    rows.push({
      part: PART,
      name: `(c) L1 hit vs (a) cache disabled (${Math.round(hit.rps)} vs ${Math.round(uncached.rps)} req/s; p50 ${hit.p50} vs ${uncached.p50} ms)`,
      value: hit.rps,
      unit: 'req/s',
      baseline: uncached.rps,
      ratio: hit.rps / uncached.rps,
      target: '≥ 2×',
      pass: hit.rps / uncached.rps >= 2 && hit.errors + hit.non2xx + uncached.errors + uncached.non2xx === 0,
    });
    const quiet = result('a30').p50;
    rows.push({
      part: PART,
      name: `uncached p50 at ${PER_DAY}/day vs ${SMALL_PER_DAY}/day (${uncached.p50} vs ${quiet} ms)`,
      value: uncached.p50,
      unit: 'ms',
      baseline: quiet,
      ratio: uncached.p50 / quiet,
      target: '≤ 1.5×',
      pass: uncached.p50 / quiet <= 1.5,
    });
    const past = result('e').p50;
    const pastQuiet = result('e30').p50;
    rows.push({
      part: PART,
      name: `uncached p50 with a past stock value at ${PER_DAY}/day vs ${SMALL_PER_DAY}/day (${past} vs ${pastQuiet} ms; from the ledger)`,
      value: past,
      unit: 'ms',
      baseline: pastQuiet,
      ratio: past / pastQuiet,
      target: 'info (grows with the movements)',
    });
    return rows;
  } finally {
    for (const r of running) await r.close().catch(() => {});
    await database.drop().catch(() => {});
    await deleteKeysWithPrefix(`${prefix}-`);
  }
}
