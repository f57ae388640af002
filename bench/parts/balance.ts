import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { DEFAULT_KEPT_PAGE_BYTES, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { buildDependencies, type Dependencies } from '../../src/container.ts';
import { createApp } from '../../src/app.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { ownerScope } from '../../src/db/scope.ts';
import { BalanceService } from '../../src/balance/balance.service.ts';
import { balanceRouter } from '../../src/balance/balance.router.ts';
import { readableGranularity } from '../../src/balance/balance.rules.ts';
import type { CacheService } from '../../src/cache/index.ts';
import { expectedSummarySql, verifyBalanceSummary } from '../../src/balance/verify.ts';
import type { BalanceSeries, SeriesQuery } from '../../src/balance/balance.types.ts';
import type { Scope } from '../../src/db/scope.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { addDays, localDay } from '../../src/time.ts';
import { BENCH_REDIS_URL } from '../env.ts';
import { createBenchDatabase, deleteKeysWithPrefix, signInCookie } from '../support.ts';
import type { BenchRow } from '../types.ts';

// /balance for a year, daily, on a tenant with 365 days × 300 sales/day (bulk
// seeded; balance_days written by the summary rule and checked with verifyBalanceSummary),
// served (a) with the cache disabled, (b) from Redis with L1 off, (c) from L1, and (d) from a
// constant series with no cache and no database, all in this run (each rendering the page;
// (k) is (c) with the body kept under its ETag, as in production); the uncached p50 at
// 300 vs 30 sales/day; and the hit ratio of a mixed browse run with a sale every second.
// The app runs in this process; the load generators (autocannon, and a small fetch loop
// for the mixed run) run in their own processes.
// Sizes: BENCH_BALANCE_DAYS (365), BENCH_BALANCE_PER_DAY (300), BENCH_BALANCE_SECONDS (5) per
// autocannon run, BENCH_BALANCE_ROUNDS (3).

export const needs = ['redis', 'postgresql'] as const;

const PART = 'balance';
const DAYS = Number(process.env.BENCH_BALANCE_DAYS ?? 365);
const PER_DAY = Number(process.env.BENCH_BALANCE_PER_DAY ?? 300);
const SMALL_PER_DAY = Math.max(1, Math.round(PER_DAY / 10));
const SECONDS = Number(process.env.BENCH_BALANCE_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_BALANCE_ROUNDS ?? 3);
const CONNECTIONS = 10;
const ZONE = 'Europe/Madrid';
const PASSWORD = 'bench-password-123';
const logger = createLogger('silent');
const require = createRequire(import.meta.url);

interface SeededTenant {
  tenantId: number;
  email: string;
  sales: number;
  lines: number;
  seconds: number;
}

/** One tenant in bulk: products, customers, sales with 3 lines each, payments, a few cancellations, then balance_days by the rule. */
export async function seedTenant(prisma: PrismaClient, name: string, days: number, perDay: number, until: string): Promise<SeededTenant> {
  const started = performance.now();
  const tenant = await prisma.tenant.create({ data: { name, timeZone: ZONE, currency: 'EUR' } });
  const t = tenant.id;
  const email = `owner-${t}-${randomBytes(3).toString('hex')}@bench.stock`;
  await createUser(prisma, t, { email, password: PASSWORD, role: 'owner', name: 'Bench owner' });
  const unit = await prisma.unit.create({ data: { tenantId: t, code: 'unit', name: 'Unit' } });
  await prisma.$executeRaw`INSERT INTO products (tenant_id, sku, name, search_text, unit_id, price, cost, quantity_on_hand, updated_at)
    SELECT ${t}::int, 'B-' || g, 'Bench product ' || g, 'b-' || g || ' bench product ' || g, ${unit.id}::int, g % 40 + 1.95, 1, 1000000, now() FROM generate_series(1, 30) g`;
  await prisma.$executeRaw`INSERT INTO customers (tenant_id, name, updated_at) SELECT ${t}::int, 'Customer ' || g, now() FROM generate_series(1, 60) g`;
  const [ids] = await prisma.$queryRaw<Array<{ c: number }>>`SELECT min(id) AS c FROM customers WHERE tenant_id = ${t}::int`;
  const total = days * perDay;
  const first = addDays(until, -(days - 1));
  // Sale n (number n + 1): 3 lines, line l of product B-g, g = ((n + 1)·3 + 11·l) mod 30 + 1,
  // priced (g mod 40 + 1).95, quantity (n + 1 + l) mod 3 + 1; the total is the sum of the
  // lines, written at once. Spread over 08:00–20:00 local time. 40% on a customer's account
  // (n mod 5 < 2), of which n mod 10 = 0 stay unpaid and n mod 100 = 50 are cancelled; walk-ins
  // pay at once; other account sales are paid three days later (once that day has come).
  await prisma.$executeRaw`INSERT INTO sales (tenant_id, number, customer_id, status, sold_at, cancelled_at, subtotal, tax_total, total, paid_total, created_at)
    SELECT ${t}::int, n + 1, CASE WHEN n % 5 < 2 THEN ${ids!.c}::int + (n * 7) % 60 END,
           (CASE WHEN n % 100 = 50 THEN 'cancelled' ELSE 'confirmed' END)::"SaleStatus", at, CASE WHEN n % 100 = 50 THEN at + interval '1 hour' END,
           amount, 0, amount,
           CASE WHEN n % 5 >= 2 OR (n % 10 <> 0 AND at + interval '3 days' < now()) THEN amount ELSE 0 END, now()
      FROM generate_series(0, ${total}::int - 1) n
      CROSS JOIN LATERAL (SELECT ((${first}::date + (n / ${perDay}::int))::timestamp + time '08:00' + (n % ${perDay}::int) * (interval '12 hours' / ${perDay}::int)) AT TIME ZONE ${ZONE} AS at) w
      CROSS JOIN LATERAL (SELECT sum(((n + 1 + l) % 3 + 1) * ((((n + 1) * 3 + l * 11) % 30 + 1) % 40 + 1.95)) AS amount FROM generate_series(1, 3) l) a`;
  await prisma.$executeRaw`INSERT INTO sale_lines (tenant_id, sale_id, line_no, product_id, quantity, unit_price, discount_pct, tax_rate, line_subtotal, line_tax, line_total, unit_cost, line_cost)
    SELECT s.tenant_id, s.id, l, p.id, q.q, p.price, 0, 0, q.q * p.price, 0, q.q * p.price, p.cost, q.q * p.cost
      FROM sales s CROSS JOIN generate_series(1, 3) l
      CROSS JOIN LATERAL (SELECT ((s.number + l) % 3 + 1)::numeric AS q) q
      JOIN products p ON p.tenant_id = s.tenant_id AND p.sku = 'B-' || ((s.number * 3 + l * 11) % 30 + 1)
     WHERE s.tenant_id = ${t}::int`;
  await prisma.$executeRaw`INSERT INTO payments (tenant_id, amount, method, paid_at, customer_id, sale_id, created_at)
    SELECT tenant_id, paid_total, (CASE WHEN customer_id IS NULL THEN 'cash' ELSE 'transfer' END)::"PaymentMethod",
           CASE WHEN customer_id IS NULL THEN sold_at ELSE sold_at + interval '3 days' END, customer_id, id, now()
      FROM sales WHERE tenant_id = ${t}::int AND paid_total > 0`;
  await prisma.$executeRaw`UPDATE tenants SET last_sale_number = ${total}::int WHERE id = ${t}::int`;
  await prisma.$executeRaw(Prisma.sql`INSERT INTO balance_days (tenant_id, customer_key, day, sales_total, payments_total)
    SELECT ${t}::int, customer_key, day, sales, payments FROM (${expectedSummarySql(t)}) e`);
  await prisma.$executeRawUnsafe('ANALYZE');
  const [counts] = await prisma.$queryRaw<
    Array<{ sales: number; lines: number }>
  >`SELECT (SELECT count(*) FROM sales WHERE tenant_id = ${t}::int)::int AS sales, (SELECT count(*) FROM sale_lines WHERE tenant_id = ${t}::int)::int AS lines`;
  return { tenantId: t, email, sales: counts!.sales, lines: counts!.lines, seconds: (performance.now() - started) / 1000 };
}

/** For a balance service that is never asked for a cached value: it takes its module handle at construction, and gets none. */
const NO_CACHE = { module: () => undefined } as unknown as CacheService;

/** The balance service answering every question with constants: mode (d), no cache and no database. */
class ConstantBalance extends BalanceService {
  constructor(private readonly series: BalanceSeries) {
    super({ cache: NO_CACHE, prisma: undefined as never, ttlSeconds: 60 });
  }
  override async getBalanceSeries(_scope: Scope, _q: SeriesQuery) {
    return { value: this.series, status: 'MISS' as const };
  }
  override async getSeriesShaped<V>(_scope: Scope, _q: SeriesQuery, _variant: string, shape: (series: BalanceSeries) => V) {
    return { value: shape(this.series), status: 'MISS' as const };
  }
  override async customers() {
    return { value: Array.from({ length: 60 }, (_, i) => ({ id: i + 1, name: `Customer ${i + 1}` })), status: 'MISS' as const };
  }
}

/** The production default of CACHE_PAGE_BYTES, for an app that keeps rendered pages. */
export const KEPT_PAGES = { CACHE_PAGE_BYTES: String(DEFAULT_KEPT_PAGE_BYTES) };

export interface Running {
  deps: Dependencies;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startApp(
  databaseUrl: string,
  env: Record<string, string>,
  prefix: string,
  replaceBalance?: (deps: Dependencies) => BalanceService,
): Promise<Running> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    DATABASE_URL: databaseUrl,
    REDIS_URL: BENCH_REDIS_URL,
    CACHE_KEY_PREFIX: prefix,
    SESSION_SECRET: 'b'.repeat(40),
    CACHE_BALANCE_TTL: '600',
    // These parts measure the read cache, so each hit renders the page; a body kept under its
    // ETag (what production adds) would answer instead. KEPT_PAGES turns it back on.
    CACHE_PAGE_BYTES: '0',
    ...env,
  });
  const db = await createDatabase({ databaseUrl, poolSize: 20 });
  const deps = await buildDependencies(config, logger, { db, migrate: false, collectProcessMetrics: false });
  if (replaceBalance) {
    // Its router ahead of the container's, which was built around the real service.
    deps.balance = replaceBalance(deps);
    deps.routers = [balanceRouter({ balance: deps.balance }), ...deps.routers];
  }
  const app = createApp(deps);
  // As in production (NODE_ENV=production sets it; the bench keeps NODE_ENV=test for plain-HTTP cookies).
  app.set('view cache', true);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    deps,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await deps.close();
    },
  };
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** autocannon in its own process, JSON out. */
export function autocannon(url: string, cookie: string, seconds = SECONDS): Promise<Load> {
  const bin = require.resolve('autocannon/autocannon.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', '-H', `cookie=${cookie}`, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

// The mixed browse run's load generator: 20 users, each with its own session, requesting
// pages one after another; counts X-Cache of the responses.
const browseScript = `
const [base, perUser, ...rest] = process.argv.slice(1);
const cookies = JSON.parse(rest[0]); const urls = JSON.parse(rest[1]);
const counts = { HIT: 0, MISS: 0, STALE: 0, none: 0, errors: 0 };
let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
async function user(cookie) {
  for (let i = 0; i < Number(perUser); i++) {
    const url = urls[Math.floor(rnd() * urls.length)];
    try {
      const res = await fetch(base + url, { headers: { cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) counts.errors++;
      const x = res.headers.get('x-cache'); counts[x && x in counts ? x : 'none']++;
    } catch { counts.errors++; }
  }
}
const started = Date.now();
Promise.all(cookies.map(user)).then(() => { console.log(JSON.stringify({ ...counts, ms: Date.now() - started })); });
`;

function browse(
  baseUrl: string,
  cookies: string[],
  perUser: number,
  urls: string[],
): Promise<{ HIT: number; MISS: number; STALE: number; none: number; errors: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', browseScript, baseUrl, String(perUser), JSON.stringify(cookies), JSON.stringify(urls)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`browse exited ${code}`))));
  });
}

const ratioRow = (name: string, value: number, baseline: number, min: number): BenchRow => ({
  part: PART,
  name,
  value,
  unit: 'req/s',
  baseline,
  ratio: value / baseline,
  target: `≥ ${min}× (d)`,
  pass: value / baseline >= min,
});

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = await createBenchDatabase('balance', { suffix: String(process.pid), replaceExisting: true });
  const databaseUrl = database.url;
  const prefix = `bench-balance-${randomBytes(4).toString('hex')}`;
  const running: Running[] = [];
  try {
    const db = await createDatabase({ databaseUrl });
    await applyMigrations(db, logger);
    const until = localDay(new Date(), ZONE);
    console.error(`bench balance: seeding ${DAYS} days × ${PER_DAY} sales/day and × ${SMALL_PER_DAY} …`);
    const big = await seedTenant(db.prisma, 'Busy shop', DAYS, PER_DAY, until);
    const small = await seedTenant(db.prisma, 'Quiet shop', DAYS, SMALL_PER_DAY, until);
    const check = await verifyBalanceSummary(db.prisma, big.tenantId);
    rows.push({
      part: PART,
      name: `seed ${big.sales} sales, ${big.lines} lines (summary exact: ${check.ok ? 'yes' : 'NO'})`,
      value: big.seconds,
      unit: 's',
    });
    rows.push({ part: PART, name: `seed ${small.sales} sales (quiet shop)`, value: small.seconds, unit: 's' });
    const from = addDays(until, -364);
    const path = `/balance?from=${from}&to=${until}&granularity=day`;
    const constant = await new BalanceService({ cache: NO_CACHE, prisma: db.prisma, ttlSeconds: 1 }).computeSeries(
      await ownerScope(db.prisma, big.tenantId),
      // What the page shows for `path`: a year by day is shown by week unless daily=1.
      { from, to: until, granularity: readableGranularity(from, until, 'day', false).granularity, customer: 'all' },
    );
    await db.close();

    // All four apps run side by side; the modes are measured in interleaved rounds and the
    // median taken, so a busy machine slows every mode alike instead of the first or last.
    const apps = {
      d: await startApp(databaseUrl, {}, `${prefix}-d`, () => new ConstantBalance(constant)),
      a: await startApp(databaseUrl, { CACHE_ENABLED: 'false' }, `${prefix}-a`),
      b: await startApp(databaseUrl, { CACHE_L1_ENABLED: 'false' }, `${prefix}-b`),
      c: await startApp(databaseUrl, {}, `${prefix}-c`),
      k: await startApp(databaseUrl, KEPT_PAGES, `${prefix}-k`),
    };
    running.push(...Object.values(apps));
    const modes = [
      {
        id: 'd',
        name: '(d) constant series, no cache, no database',
        app: apps.d,
        cookie: await signInCookie(apps.d.baseUrl, big.email, PASSWORD),
      },
      { id: 'a', name: '(a) cache disabled', app: apps.a, cookie: await signInCookie(apps.a.baseUrl, big.email, PASSWORD) },
      {
        id: 'a30',
        name: `(a) cache disabled, ${SMALL_PER_DAY} sales/day`,
        app: apps.a,
        cookie: await signInCookie(apps.a.baseUrl, small.email, PASSWORD),
      },
      { id: 'b', name: '(b) L2 hit (Redis, L1 off)', app: apps.b, cookie: await signInCookie(apps.b.baseUrl, big.email, PASSWORD) },
      { id: 'c', name: '(c) L1 hit', app: apps.c, cookie: await signInCookie(apps.c.baseUrl, big.email, PASSWORD) },
      {
        id: 'k',
        name: '(k) L1 hit, body kept under its ETag (as in production)',
        app: apps.k,
        cookie: await signInCookie(apps.k.baseUrl, big.email, PASSWORD),
      },
    ];
    const loads = new Map<string, Load[]>(modes.map((m) => [m.id, []]));
    for (const m of modes)
      for (let i = 0; i < 3; i++) await (await fetch(m.app.baseUrl + path, { headers: { cookie: m.cookie } })).arrayBuffer();
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of modes) loads.get(m.id)!.push(await autocannon(m.app.baseUrl + path, m.cookie));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
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
    const d = result('d').rps;
    rows.push(ratioRow('(c) L1 hit vs (d)', result('c').rps, d, 0.9));
    rows.push(ratioRow('(b) L2 hit vs (d)', result('b').rps, d, 0.7));
    rows.push(ratioRow('(a) cache disabled vs (d)', result('a').rps, d, 0.2));
    const kept = result('k').rps;
    const rendered = result('c').rps;
    rows.push({
      part: PART,
      name: '(k) body kept under its ETag vs (c) rendered from L1',
      value: kept,
      unit: 'req/s',
      baseline: rendered,
      ratio: kept / rendered,
      target: 'info',
    });
    const busy = result('a').p50;
    const quiet = result('a30').p50;
    rows.push({
      part: PART,
      name: `uncached p50 at ${PER_DAY}/day vs ${SMALL_PER_DAY}/day (${busy} vs ${quiet} ms)`,
      value: busy,
      unit: 'ms',
      baseline: quiet,
      ratio: busy / quiet,
      target: '≤ 1.5×',
      pass: busy / quiet <= 1.5,
    });
    for (const id of ['d', 'a', 'b', 'c'] as const) await apps[id].close();
    running.splice(0, running.length, apps.k);

    // Mixed browse: 20 users × 50 pages on the app as in production while a sale arrives every second.
    const app = running[0]!;
    // One after another: the process hashes two passwords at a time and refuses one that waits
    // over two seconds, which twenty at once exceed on a slow machine.
    const users: string[] = [];
    for (let i = 0; i < 20; i++) {
      const u = await createUser(app.deps.db.prisma, big.tenantId, {
        email: `browser-${i}-${randomBytes(3).toString('hex')}@bench.stock`,
        password: PASSWORD,
        // Managers: the balance is not for staff (the permission table's balance.see).
        role: 'manager',
        name: `Browser ${i}`,
      });
      users.push(u.email);
    }
    const cookies: string[] = [];
    for (const email of users) cookies.push(await signInCookie(app.baseUrl, email, PASSWORD));
    const urls = ['this-month', 'last-30-days', 'this-quarter', 'this-year'].flatMap((preset) =>
      ['day', 'week', 'month'].map((g) => `/balance?preset=${preset}&granularity=${g}`),
    );
    const owner = await app.deps.db.prisma.user.findFirstOrThrow({ where: { email: big.email } });
    const actor = { tenantId: big.tenantId, userId: owner.id, role: 'owner' as const, db: app.deps.tenantDb(big.tenantId) };
    const product = await app.deps.db.prisma.product.findFirstOrThrow({ where: { tenantId: big.tenantId }, select: { id: true } });
    // Steady state, not a cold start: each page once before the run (as for the modes above).
    for (const url of urls) await (await fetch(app.baseUrl + url, { headers: { cookie: cookies[0]! } })).arrayBuffer();
    // How long each warm-up takes (visitors asking for a key it is loading join that load).
    const warmups: number[] = [];
    const service = app.deps.balance;
    const warm = service.warmBalance.bind(service);
    service.warmBalance = async (tenantId: number) => {
      const started = performance.now();
      try {
        return await warm(tenantId);
      } finally {
        warmups.push(performance.now() - started);
      }
    };
    let sales = 0;
    const inFlight = new Set<Promise<unknown>>();
    const ticker = setInterval(() => {
      const sale = app.deps.sales.confirm(actor, { token: newFormToken(), lines: [{ productId: product.id, quantity: '1' }] }).then(
        () => sales++,
        (e: unknown) => console.error('bench sale failed', (e as Error).message),
      );
      inFlight.add(sale.finally(() => inFlight.delete(sale)));
    }, 1000);
    const counts = await browse(app.baseUrl, cookies, 50, urls).finally(() => clearInterval(ticker));
    await Promise.all([...inFlight]);
    const served = counts.HIT + counts.MISS + counts.STALE;
    const hitRatio = (counts.HIT + counts.STALE) / Math.max(served, 1);
    const warmMedian = warmups.length ? [...warmups].sort((x, y) => x - y)[Math.floor(warmups.length / 2)]! : 0;
    rows.push({
      part: PART,
      name: `mixed browse: ${served} pages in ${(counts.ms / 1000).toFixed(1)} s, ${sales} sales, ${warmups.length} warm-ups (median ${Math.round(warmMedian)} ms), ${counts.errors} errors`,
      value: hitRatio * 100,
      unit: '% hits',
      target: '≥ 90%',
      pass: hitRatio >= 0.9 && counts.errors === 0,
    });
    return rows;
  } finally {
    for (const r of running) await r.close().catch(() => {});
    await database.drop().catch(() => {});
    await deleteKeysWithPrefix(`${prefix}-`);
  }
}
