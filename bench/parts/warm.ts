import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { addDays, localDay } from '../../src/time.ts';
import { startServer, type ServerProcess } from '../../test/helpers/server.ts';
import { startTestSmtp, type TestSmtp } from '../../test/helpers/smtp.ts';
import { BENCH_DATABASE_URL } from '../env.ts';
import { CACHE_MODULES } from '../../src/config.ts';
import { createBenchDatabase, deleteKeysWithPrefix, metric, productionServerEnv, signInCookie, TLS_PROXY_HEADERS } from '../support.ts';
import type { BenchRow } from '../types.ts';
import { seedTenant } from './balance.ts';

// What a warm page costs, on one production-mode app process (NODE_ENV=production, started
// as the catalog and sales parts start it: `tsx src/server.ts` in a child process) on a shop
// with a year of daily sales (the balance part's seed):
// (a) database transactions per warm view of five pages, counted by PostgreSQL itself
//     (pg_stat_database of the bench database, read from a connection to another database so
//     the reads count nothing there), less the idle rate measured in the same run; the median
//     of three windows a page, so a burst of background work in one of them is not a page's;
// (b) the idle instance's own transactions a minute (everything that polls, not only the outbox;
//     e-mail on, to a local SMTP server, so the low-stock digest's checks run as in production);
// (c) a cached one-year daily /balance (a HIT, sent from the body kept under its ETag,
// gzip-encoded: every side asks as a browser does) against GET /login, autocannon, 10 connections;
// (d) a 304 repeat view of that /balance (If-None-Match) against its full 200 rendered from the
// cached reads (each request a URL never seen, so no kept body answers it).
// Sizes: BENCH_WARM_PER_DAY (100 sales a day for 365 days), BENCH_WARM_VIEWS (200 views a
// window), BENCH_WARM_WINDOWS (3 windows a page, the median taken), BENCH_WARM_IDLE_SECONDS
// (300), BENCH_WARM_SECONDS (5 per autocannon run), BENCH_WARM_ROUNDS (3 paired rounds).
// BENCH_WARM_CPU_PROF=<dir> runs the app under `node --cpu-prof` (one profile for the whole
// run, written when it stops);
// BENCH_WARM_LOG_STATEMENTS=1 logs every statement on the bench database to the server's log.

export const needs = ['redis', 'postgresql'] as const;

const PART = 'warm';
const DAYS = 365;
const PER_DAY = Number(process.env.BENCH_WARM_PER_DAY ?? 100);
const VIEWS = Number(process.env.BENCH_WARM_VIEWS ?? 200);
const WINDOWS = Number(process.env.BENCH_WARM_WINDOWS ?? 3);
/** One whole check interval of the low-stock digest (LOW_STOCK_CHECK_INTERVAL_MS, 5 min): the window sees exactly one of its runs. */
const IDLE_SECONDS = Number(process.env.BENCH_WARM_IDLE_SECONDS ?? 300);
const SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 3);
const CONNECTIONS = 10;
const ZONE = 'Europe/Madrid';
const PASSWORD = 'bench-password-123';
/** An idle backend sends its counts to pg_stat_database within 10 s (PGSTAT_IDLE_INTERVAL); a busy one within 1 s of its last transaction. */
const STATS_SETTLE_MS = 11_000;
const logger = createLogger('silent');

/** Transactions per warm view as measured before this part's changes (issue report). */
const BEFORE: Record<string, string> = { balance: '1.24', catalog: '3.08', dashboard: '7.36', sales: '6.87' };

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests?: Array<{ setupRequest: (request: Record<string, unknown>) => Record<string, unknown> }>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Committed + rolled-back transactions PostgreSQL has counted for one database. */
class XactCounter {
  private constructor(
    private readonly client: pg.Client,
    private readonly name: string,
  ) {}

  static async open(databaseName: string): Promise<XactCounter> {
    // Connected to BENCH_DATABASE_URL's own database, never the bench's: its reads are counted there, not in what it measures.
    const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
    await client.connect();
    const own = (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    if (own === databaseName) throw new Error('the counter must not be connected to the database it counts');
    return new XactCounter(client, databaseName);
  }

  /** Waits for every backend's counts to reach the statistics, then reads them (a fresh snapshot). */
  async read(): Promise<{ n: number; at: number }> {
    const at = Date.now();
    await sleep(STATS_SETTLE_MS);
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const result = await this.client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [this.name],
    );
    return { n: Number(result.rows[0]!.n), at };
  }

  async logStatements(): Promise<void> {
    await this.client.query(`ALTER DATABASE ${pg.escapeIdentifier(this.name)} SET log_statement = 'all'`);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = await createBenchDatabase('warm');
  const databaseName = new URL(database.url).pathname.slice(1);
  const prefix = `bench-warm-${randomBytes(4).toString('hex')}`;
  let server: ServerProcess | undefined;
  let smtp: TestSmtp | undefined;
  const counter = await XactCounter.open(databaseName);
  try {
    if (process.env.BENCH_WARM_LOG_STATEMENTS) {
      // Names what is counted: every statement on this database (its own, dropped after the run)
      // goes to the PostgreSQL server's log, with the database's name in each line.
      await counter.logStatements();
      console.error(`bench warm: statements on ${databaseName} go to the PostgreSQL server's log`);
    }
    const db = await createDatabase({ databaseUrl: database.url });
    await applyMigrations(db, logger);
    const until = localDay(new Date(), ZONE);
    console.error(`bench warm: seeding ${DAYS} days × ${PER_DAY} sales/day …`);
    const shop = await seedTenant(db.prisma, 'Warm shop', DAYS, PER_DAY, until);
    // Vacuumed now, the fresh tables owe autovacuum nothing during the run.
    await db.prisma.$executeRawUnsafe('VACUUM ANALYZE');
    await db.close();

    smtp = await startTestSmtp();
    const env: Record<string, string> = {
      ...productionServerEnv({ databaseUrl: database.url, cacheKeyPrefix: prefix }),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'stock@bench.stock',
      APP_URL: 'https://stock.bench.example',
    };
    // The TTLs are a safety net (writes invalidate after commit); at their 60 s defaults a run
    // this long would also count each module's reload when its TTL ends, which is not a warm view.
    // Every module the app has, so a module added later is covered too.
    for (const module of [...CACHE_MODULES, 'default']) env[`CACHE_${module.replace('-', '_').toUpperCase()}_TTL`] = '3600';
    const profile = process.env.BENCH_WARM_CPU_PROF;
    server = await startServer(env, { timeoutMs: 120_000, nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [] });
    const base = server.baseUrl;
    const cookie = await signInCookie(base, shop.email, PASSWORD, TLS_PROXY_HEADERS);
    const headers = { ...TLS_PROXY_HEADERS, cookie };
    const balancePath = `/balance?from=${addDays(until, -364)}&to=${until}&granularity=day&daily=1`;
    const pages = [
      { id: 'balance', path: balancePath, label: '/balance (one year by day)', cached: true },
      { id: 'catalog', path: '/catalog/products', label: '/catalog/products', cached: true },
      { id: 'dashboard', path: '/', label: '/ (dashboard)', cached: true },
      { id: 'sales', path: '/sales', label: '/sales', cached: true },
      { id: 'customers', path: '/customers', label: '/customers', cached: true },
    ];
    const view = async (path: string, extra: Record<string, string> = {}) => {
      const res = await fetch(base + path, { headers: { ...headers, ...extra }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200 && res.status !== 304) throw new Error(`bench warm: ${path} answered ${res.status}`);
      return res;
    };
    // Warm: each page a few times, so that every read it makes is in the cache.
    for (const page of pages) for (let i = 0; i < 3; i++) await view(page.path);

    // (b) The idle instance, signed-in session and warm caches included.
    const idleStart = await counter.read();
    await sleep(IDLE_SECONDS * 1000);
    const idleEnd = await counter.read();
    const idlePerMs = (idleEnd.n - idleStart.n) / (idleEnd.at - idleStart.at);
    rows.push({
      part: PART,
      name: `idle app instance, e-mail on: database transactions a minute (pg_stat_database over ${Math.round((idleEnd.at - idleStart.at) / 1000)} s; reported before: 13, the outbox poll alone 2)`,
      value: Number((idlePerMs * 60_000).toFixed(2)),
      unit: 'xact/min',
      target:
        'info (outbox 1/min, digest check 1 per 5 min once the day’s digest is out (decision 041), session sweep 1 per 10 min; rest: decision 033)',
    });

    // (a) Each page: VIEWS views one after another, every one expected a HIT where the page is cached.
    let start = idleEnd;
    // The session's expiry is pushed forward in the sessions table at most once a minute per
    // session (the copy that keeps users signed in through a Redis outage): a write a view may
    // trigger, counted apart from the page's own reads.
    const touches = () => metric(server!, 'stock_session_table_touches_total');
    let touchesAtStart = await touches();
    for (const page of pages) {
      let notHit = 0;
      const seen = new Map<string, number>();
      const windows: Array<{ perView: number; counted: number; idle: number; sessionTouches: number }> = [];
      for (let w = 0; w < WINDOWS; w++) {
        for (let i = 0; i < VIEWS; i++) {
          const x = (await view(page.path)).headers.get('x-cache') ?? 'none';
          seen.set(x, (seen.get(x) ?? 0) + 1);
          if (x !== 'HIT') notHit++;
        }
        const end = await counter.read();
        const touchesAtEnd = await touches();
        const sessionTouches = touchesAtEnd - touchesAtStart;
        touchesAtStart = touchesAtEnd;
        const idle = idlePerMs * (end.at - start.at);
        const counted = end.n - start.n;
        windows.push({ perView: Math.max(0, (counted - sessionTouches - idle) / VIEWS), counted, idle, sessionTouches });
        start = end;
      }
      // The median window: the background's work comes in bursts (the outbox poll each minute, the
      // digest's check each five, together on the same tick), and a window is some 13 s, so a burst
      // falls in one window of a page at most; the idle rate taken off is only its average.
      const middle = [...windows].sort((a, b) => a.perView - b.perView)[Math.floor(windows.length / 2)]!;
      if (page.cached && notHit)
        console.error(
          `bench warm: ${page.path}: ${notHit} of ${VIEWS * WINDOWS} views not a HIT (${[...seen].map(([k, v]) => `${k} ${v}`).join(', ')})`,
        );
      const before = BEFORE[page.id] ? `; before ${BEFORE[page.id]}` : '';
      rows.push({
        part: PART,
        name: `${page.label}: database transactions per warm view (median of ${WINDOWS} windows of ${VIEWS} views, counted ${windows.map((x) => x.counted).join(', ')}; in the median one idle ${middle.idle.toFixed(1)} and ${middle.sessionTouches} session touch${middle.sessionTouches === 1 ? '' : 'es'} taken off; ${notHit ? `${notHit} not HIT` : 'all HIT'}${before})`,
        value: Number(middle.perView.toFixed(2)),
        unit: 'xact/view',
        ...(page.cached
          ? { target: '= 0.00', pass: Number(middle.perView.toFixed(2)) === 0 && notHit === 0 }
          : { target: 'info (not cached)' }),
      });
      console.error(`bench warm: ${rows.at(-1)!.name}: ${rows.at(-1)!.value}`);
    }

    // (c) and (d): paired rounds, alternating which side goes first; the median of each pair's ratio.
    const first = await view(balancePath);
    if (first.headers.get('x-cache') !== 'HIT') throw new Error(`bench warm: /balance is not a HIT (${first.headers.get('x-cache')})`);
    // The ETag names the quarter hour of UTC too ("today"): each round asks for the current one,
    // as a browser holds the last one it was sent.
    const currentEtag = async () => {
      const etag = (await view(balancePath)).headers.get('etag');
      if (!etag) throw new Error('bench warm: /balance gave no ETag');
      if ((await view(balancePath, { 'if-none-match': etag })).status !== 304) throw new Error('bench warm: the repeat view was not a 304');
      return etag;
    };
    await currentEtag();
    // Bytes on the wire of the kept page, as rendered and gzip-encoded (fetch decodes, so Content-Length).
    const sizeOf = async (encoding: string) =>
      Number((await view(balancePath, { 'accept-encoding': encoding })).headers.get('content-length') ?? 0);
    const [plainBytes, gzipBytes] = [await sizeOf('identity'), await sizeOf('gzip')];
    // Every side asks as a browser does, taking the encodings Chromium offers.
    const browser = { ...TLS_PROXY_HEADERS, 'accept-encoding': 'gzip, deflate, br, zstd' };
    const load = (path: string, extra: Record<string, string>) =>
      autocannon({ url: base + path, connections: CONNECTIONS, duration: SECONDS, headers: { ...browser, ...extra } });
    // A full page rendered from the cached reads: each request names a URL never seen (an
    // unknown parameter the page ignores), so no kept body can answer it.
    let fresh = 0;
    const rendered = () =>
      autocannon({
        url: base + balancePath,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { ...browser, cookie },
        requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, path: `${balancePath}&fresh=${fresh++}` }) }],
      });
    const sides = {
      balance: () => load(balancePath, { cookie }),
      rendered,
      login: () => load('/login', {}),
      notModified: async () => load(balancePath, { cookie, 'if-none-match': await currentEtag() }),
    };
    const results: Record<keyof typeof sides, AutocannonResult[]> = { balance: [], rendered: [], login: [], notModified: [] };
    const names = Object.keys(sides) as Array<keyof typeof sides>;
    const loginRatios: number[] = [];
    const notModifiedRatios: number[] = [];
    const keptRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const got = {} as Record<keyof typeof sides, AutocannonResult>;
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length]!;
        got[name] = await sides[name]();
        results[name].push(got[name]);
      }
      loginRatios.push(got.balance.requests.average / got.login.requests.average);
      notModifiedRatios.push(got.notModified.requests.average / got.rendered.requests.average);
      keptRatios.push(got.balance.requests.average / got.rendered.requests.average);
    }
    const rps = (name: keyof typeof sides) => median(results[name].map((r) => r.requests.average));
    const p50 = (name: keyof typeof sides) => median(results[name].map((r) => r.latency.p50));
    const failed = (name: keyof typeof sides, okNon2xx = false) =>
      results[name].reduce((n, r) => n + r.errors + (okNon2xx ? 0 : r.non2xx), 0);
    const codes304 = results.notModified.reduce((n, r) => n + (r.statusCodeStats?.['304']?.count ?? 0), 0);
    const total304 = results.notModified.reduce((n, r) => n + r.requests.total, 0);
    const loginRatio = median(loginRatios);
    rows.push({
      part: PART,
      name: `cached /balance, one year by day (HIT; ${Math.round(plainBytes / 1000)} kB, ${Math.round(gzipBytes / 1000)} kB gzip-encoded) vs GET /login, ${CONNECTIONS} connections (median of ${ROUNDS} paired rounds; p50 ${p50('balance')} vs ${p50('login')} ms; before 0.32–0.37×)`,
      value: rps('balance'),
      unit: 'req/s',
      baseline: rps('login'),
      ratio: loginRatio,
      target: '≥ 1.0×',
      pass: loginRatio >= 1 && failed('balance') + failed('login') === 0,
    });
    const notModifiedRatio = median(notModifiedRatios);
    rows.push({
      part: PART,
      name: `/balance repeat view with If-None-Match (304) vs the full 200 page rendered from the cached reads (median of ${ROUNDS} paired rounds; ${codes304} of ${total304} answered 304; p50 ${p50('notModified')} vs ${p50('rendered')} ms)`,
      value: rps('notModified'),
      unit: 'req/s',
      baseline: rps('rendered'),
      ratio: notModifiedRatio,
      target: '≥ 3×',
      pass: notModifiedRatio >= 3 && failed('notModified', true) === 0 && failed('rendered') === 0 && codes304 === total304,
    });
    rows.push({
      part: PART,
      name: `for contrast: /balance sent again from the body kept under its ETag vs rendered from the cached reads (median of ${ROUNDS} paired rounds)`,
      value: rps('balance'),
      unit: 'req/s',
      baseline: rps('rendered'),
      ratio: median(keptRatios),
      target: 'info',
    });
    return rows;
  } finally {
    await server?.stop();
    await smtp?.close();
    await counter.close();
    await database.drop().catch(() => {});
    await deleteKeysWithPrefix(`${prefix}:`);
  }
}
