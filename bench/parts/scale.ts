import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Registry } from 'prom-client';
import { createUser } from '../../src/auth/users.service.ts';
import { lsnValue } from '../../src/db/report-reads.ts';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { addDays, localDay } from '../../src/time.ts';
import { TestClient } from '../../test/helpers/http-client.ts';
import { PostgresReplication } from '../../test/helpers/postgres-replication.ts';
import { RedisCluster, RedisServer } from '../../test/helpers/redis-server.ts';
import { startServer, type ServerProcess } from '../../test/helpers/server.ts';
import { createBenchDatabase, deleteKeysWithPrefix, productionServerEnv, signInCookie, TLS_PROXY_HEADERS } from '../support.ts';
import type { BenchRow } from '../types.ts';
import { seedTenant, startApp, type Running } from './balance.ts';
import { close, config, instance, median, outboxDb, timeAsync, type Instance } from './cache.ts';

// Outgrowing one machine, on this one: (a) the cache part's L2-hit and 50-caller saturation
// measurements on a three-master Redis Cluster next to the single Redis, in paired rounds;
// (b) the balance pages on a PostgreSQL primary + streaming replica (DATABASE_REPLICA_URLS)
// while a few users sell: the share of report reads the replica served, the read-your-writes
// fallbacks, and the replication lag sampled throughout — once as the loopback replica is, once
// with its replay held back 1 s (a far or busy replica); (c) two app processes against one,
// the same autocannon load spread over both, with the CPU time of the servers and of the
// load generator. The cluster, the primary + replica and the app processes are started here
// with the system tests' helpers (test/helpers), on free loopback ports.
// Sizes: BENCH_SCALE_SECONDS (5) per autocannon run, BENCH_SCALE_ROUNDS (3), BENCH_SCALE_MIX_SECONDS (10 per mix).

export const needs = ['redis', 'postgresql'] as const;

const PART = 'scale';
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);
const MIX_SECONDS = Number(process.env.BENCH_SCALE_MIX_SECONDS ?? 10);
const CONNECTIONS = 10;
const PASSWORD = 'bench-password-123';
const logger = createLogger('silent');
const require = createRequire(import.meta.url);

const info = (name: string, value: number, unit: string, extra: Partial<BenchRow> = {}): BenchRow => ({
  part: PART,
  name,
  value,
  unit,
  ...extra,
});

// ---------------------------------------------------------------- (a) Redis Cluster

const SMALL = { id: 7, name: 'tea', price: '3.50' };
const LIST = {
  items: Array.from({ length: 8 }, (_, i) => ({ id: i + 1, sku: `SKU-${1000 + i}`, name: `Product ${i + 1}`, price: `${i + 3}.50` })),
};

/** ops/s of `op` run by 50 concurrent callers for one second. */
async function saturate(op: () => Promise<unknown>): Promise<number> {
  const MS = 1000;
  let count = 0;
  const until = Date.now() + MS;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < until) {
        await op();
        count++;
      }
    }),
  );
  return (count / MS) * 1000;
}

async function clusterRows(prefix: string): Promise<BenchRow[]> {
  // Both sides on servers of their own, started alike: the machine's shared Redis also
  // serves other people's work, which would load one side only.
  const server = await RedisServer.start();
  const cluster = await RedisCluster.start();
  const db: Database = await outboxDb();
  const noL1 = { l1: { enabled: false, maxEntries: 1, maxBytes: 1024 } };
  let single: Instance | undefined;
  let spread: Instance | undefined;
  try {
    single = await instance(db, config(`${prefix}-single`, noL1), server.url);
    spread = await instance(db, config(`${prefix}-cluster`, noL1), { kind: 'cluster', nodes: cluster.startupNodes });
    const sides = { single, cluster: spread };
    for (const side of Object.values(sides)) {
      await side.cache.module('products').set(1, 'list', LIST);
      await side.cache.module('products').set(1, 'small', SMALL);
    }
    // Paired rounds in alternating order, judged by the median of each round's ratio (as the cache part does).
    const l2 = { single: [] as number[], cluster: [] as number[], ratios: [] as number[] };
    for (let round = 0; round < 16; round++) {
      const order = round % 2 ? (['cluster', 'single'] as const) : (['single', 'cluster'] as const);
      const ns: Record<string, number> = {};
      for (const name of order) ns[name] = await timeAsync(2000, () => sides[name].cache.module('products').get(1, 'list'));
      l2.single.push(ns.single!);
      l2.cluster.push(ns.cluster!);
      l2.ratios.push(ns.cluster! / ns.single!);
    }
    const sat = { single: [] as number[], cluster: [] as number[], ratios: [] as number[] };
    for (let round = 0; round < 9; round++) {
      const order = round % 2 ? (['cluster', 'single'] as const) : (['single', 'cluster'] as const);
      const ops: Record<string, number> = {};
      for (const name of order) ops[name] = await saturate(() => sides[name].cache.module('products').get(1, 'small'));
      sat.single.push(ops.single!);
      sat.cluster.push(ops.cluster!);
      sat.ratios.push(ops.cluster! / ops.single!);
    }
    const crossSlot = (await cluster.errorCounts()).CROSSSLOT ?? 0;
    return [
      info(
        'L2 hit (L1 off) on a 3-master Redis Cluster vs one Redis server (both started here; median of 16 paired rounds)',
        median(l2.cluster) / 1000,
        'µs/op',
        {
          baseline: median(l2.single) / 1000,
          ratio: median(l2.ratios),
          target: '≤ 1.5×',
          pass: median(l2.ratios) <= 1.5,
        },
      ),
      info(
        `saturation, 50 callers, L1 off: 3-master Redis Cluster vs one Redis server (median of 9 rounds; ${crossSlot} CROSSSLOT errors)`,
        median(sat.cluster),
        'ops/s',
        { baseline: median(sat.single), ratio: median(sat.ratios), target: '≥ 0.7×', pass: median(sat.ratios) >= 0.7 && crossSlot === 0 },
      ),
    ];
  } finally {
    if (single) await close(single);
    if (spread) await close(spread);
    await db.close();
    await cluster.destroy();
    await server.destroy();
  }
}

// ---------------------------------------------------------------- (b) read replica

async function counter(metrics: Registry, servedBy: string, reason: string): Promise<number> {
  const metric = await metrics.getSingleMetric('stock_report_reads_total')?.get();
  return metric?.values.find((v) => v.labels.served_by === servedBy && v.labels.reason === reason)?.value ?? 0;
}

interface LagSample {
  bytes: number;
  /** pg_stat_replication.replay_lag, when the primary had one to report. */
  seconds: number | undefined;
}

/** Samples how far the replica's replay is behind the primary's WAL every 50 ms until stopped. */
function sampleLag(cluster: PostgresReplication): { stop(): Promise<LagSample[]> } {
  const samples: LagSample[] = [];
  let running = true;
  const done = (async () => {
    const primary = new pg.Client({ connectionString: cluster.url('primary') });
    const replica = new pg.Client({ connectionString: cluster.url('replica') });
    await primary.connect();
    await replica.connect();
    try {
      while (running) {
        // The primary first: the replica is asked a moment later, so a sample can only understate the lag.
        // replay_lag is PostgreSQL's own timing (from the primary flushing WAL to the standby
        // reporting it replayed); NULL when nothing new was written lately.
        const p = (
          await primary.query<{ lsn: string; lag: number | null }>(
            `SELECT pg_current_wal_lsn()::text AS lsn,
                    (SELECT EXTRACT(EPOCH FROM replay_lag)::float8 FROM pg_stat_replication LIMIT 1) AS lag`,
          )
        ).rows[0]!;
        const replayed = (await replica.query<{ lsn: string }>('SELECT pg_last_wal_replay_lsn()::text AS lsn')).rows[0]!.lsn;
        samples.push({ bytes: Math.max(0, Number(lsnValue(p.lsn) - lsnValue(replayed))), seconds: p.lag ?? undefined });
        await sleep(50);
      }
    } finally {
      await primary.end();
      await replica.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return samples;
    },
  };
}

async function signedIn(baseUrl: string, email: string): Promise<TestClient> {
  const client = new TestClient(baseUrl);
  await client.get('/login');
  const res = await client.post('/login', { email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`bench sign-in of ${email} failed: ${res.status}`);
  await client.refreshCsrf('/sales/new');
  return client;
}

/** One run of the mix: readers browse the balance pages while sellers sell and at once read their sale's detail. */
async function mix(
  cluster: PostgresReplication,
  metrics: Registry,
  readers: TestClient[],
  writers: TestClient[],
  detail: string,
  pages: string[],
  label: string,
): Promise<BenchRow[]> {
  const before = {
    replica: await counter(metrics, 'replica', ''),
    behind: await counter(metrics, 'primary', 'behind'),
    unavailable: await counter(metrics, 'primary', 'unavailable'),
  };
  const lag = sampleLag(cluster);
  const stats = { pages: 0, errors: 0, sales: 0, afterWrite: 0 };
  const deadline = Date.now() + MIX_SECONDS * 1000;
  const page = async (client: TestClient, path: string) => {
    const res = await client.get(path);
    stats.pages++;
    if (res.status !== 200) stats.errors++;
  };
  await Promise.all([
    ...readers.map(async (client, n) => {
      for (let i = n; Date.now() < deadline; i++) await page(client, pages[i % pages.length]!);
    }),
    ...writers.map(async (client) => {
      while (Date.now() < deadline) {
        const res = await client.post('/sales', { token: randomUUID(), 'lines[0][product]': 'B-1', 'lines[0][quantity]': '1' });
        if (res.status === 303) stats.sales++;
        else stats.errors++;
        await page(client, detail);
        stats.afterWrite++;
        await sleep(500);
      }
    }),
  ]);
  const samples = await lag.stop();
  const served = {
    replica: (await counter(metrics, 'replica', '')) - before.replica,
    behind: (await counter(metrics, 'primary', 'behind')) - before.behind,
    unavailable: (await counter(metrics, 'primary', 'unavailable')) - before.unavailable,
  };
  const reports = served.replica + served.behind + served.unavailable;
  const bytes = samples.map((s) => s.bytes);
  const seconds = samples.flatMap((s) => (s.seconds === undefined ? [] : [s.seconds]));
  const behindShare = samples.filter((s) => s.bytes > 0).length / Math.max(samples.length, 1);
  return [
    info(
      `${label} (${MIX_SECONDS} s, ${readers.length} readers + ${writers.length} sellers): ${stats.pages} pages, ${stats.sales} sales, ${stats.errors} errors; report reads by the replica (${served.replica} of ${reports})`,
      (served.replica / Math.max(reports, 1)) * 100,
      '%',
      { target: 'info', pass: stats.errors === 0 ? undefined : false },
    ),
    info(
      `${label}: read-your-writes fallbacks to the primary (replica behind the reader), of ${stats.afterWrite} reads right after the reader's own sale; ${served.unavailable} for a replica not answering`,
      served.behind,
      'reads',
      { target: 'info' },
    ),
    info(
      `${label}: replay lag, WAL bytes primary − replica (${samples.length} samples every 50 ms; max ${Math.max(0, ...bytes)} B; behind in ${(behindShare * 100).toFixed(0)} % of samples)`,
      median(bytes.length ? bytes : [0]),
      'B (median)',
      { target: 'info' },
    ),
    info(
      `${label}: replay lag by time (pg_stat_replication.replay_lag, in ${seconds.length} of the samples; median ${(median(seconds.length ? seconds : [0]) * 1000).toFixed(2)} ms)`,
      Math.max(0, ...seconds) * 1000,
      'ms (max)',
      { target: 'info' },
    ),
  ];
}

async function replicaRows(prefix: string): Promise<BenchRow[]> {
  const cluster = await PostgresReplication.start();
  let app: Running | undefined;
  try {
    await cluster.query('primary', 'CREATE DATABASE stock');
    const primaryUrl = cluster.url('primary', 'stock');
    const db = await createDatabase({ databaseUrl: primaryUrl });
    await applyMigrations(db, logger);
    const until = localDay(new Date(), 'Europe/Madrid');
    const shop = await seedTenant(db.prisma, 'Replica shop', 90, 100, until);
    const managers: string[] = [];
    for (let i = 0; i < 8; i++) {
      const email = `replica-${i}-${randomBytes(3).toString('hex')}@bench.stock`;
      await createUser(db.prisma, shop.tenantId, { email, password: PASSWORD, role: 'manager', name: `Manager ${i}` });
      managers.push(email);
    }
    await db.close();
    await cluster.caughtUp();
    app = await startApp(primaryUrl, { DATABASE_REPLICA_URLS: cluster.url('replica', 'stock') }, `${prefix}-replica`);
    const base = app.baseUrl;
    // Six managers only read; two sell, then at once read the balance detail their sale is in.
    const readers = await Promise.all(managers.slice(0, 6).map((email) => signedIn(base, email)));
    const writers = await Promise.all(managers.slice(6).map((email) => signedIn(base, email)));
    const detail = `/balance/detail?from=${addDays(until, -6)}&to=${until}&granularity=day`;
    const pages = [detail, detail, `/balance?from=${addDays(until, -29)}&to=${until}&granularity=day`];
    const metrics = app.deps.metrics;
    const rows = await mix(cluster, metrics, readers, writers, detail, pages, 'replica mix');
    // A replica that is far away or busy, played by one that waits before applying each commit.
    const DELAY_MS = 1000;
    await cluster.query('replica', `ALTER SYSTEM SET recovery_min_apply_delay = '${DELAY_MS}ms'`);
    await cluster.query('replica', 'SELECT pg_reload_conf()');
    rows.push(
      ...(await mix(
        cluster,
        metrics,
        readers,
        writers,
        detail,
        pages,
        `replica mix, replay held back ${DELAY_MS} ms (recovery_min_apply_delay)`,
      )),
    );
    return rows;
  } finally {
    await app?.close().catch(() => {});
    await cluster.destroy();
    await deleteKeysWithPrefix(`${prefix}-replica`);
  }
}

// ---------------------------------------------------------------- (c) two instances

/** CPU time (user + system) of a process so far, in ms, from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Busy and total CPU time of the whole machine so far, in ms (all cores). */
function machineCpuMs(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0) * 10;
  return { busy: total - (cpu[3]! + cpu[4]!) * 10, total };
}

// autocannon in its own process; it reports its own CPU time with its result.
const loadScript = `
const [bin, opts] = process.argv.slice(1);
require(bin)(JSON.parse(opts)).then((r) => {
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors, cpuMs: (cpu.user + cpu.system) / 1000 }));
});
`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  cpuMs: number;
}

function load(urls: string[], headers: Record<string, string>): Promise<Load> {
  const opts = { url: urls.length === 1 ? urls[0] : urls, connections: CONNECTIONS, duration: SECONDS, headers };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', loadScript, require.resolve('autocannon'), JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`autocannon exited ${code}`))));
  });
}

/** CPU time (ms) spent during one autocannon run, and the run's wall time. */
interface CpuSpent {
  servers: number;
  load: number;
  machine: number;
  wall: number;
}

async function instancesRows(prefix: string): Promise<BenchRow[]> {
  const database = await createBenchDatabase('scale');
  const servers: ServerProcess[] = [];
  try {
    // One environment (one SESSION_SECRET): a session made on one instance is good on the other.
    const env = productionServerEnv({ databaseUrl: database.url, cacheKeyPrefix: `${prefix}-two` });
    servers.push(await startServer(env)); // applies the migrations
    const email = `two-${randomBytes(3).toString('hex')}@bench.stock`;
    const db = await createDatabase({ databaseUrl: database.url, poolSize: 2 });
    try {
      const { tenantId } = await createTenant(db.prisma, { name: 'Bench Two', ownerEmail: `owner-${email}`, ownerPassword: PASSWORD });
      await createUser(db.prisma, tenantId, { email, password: PASSWORD, role: 'manager', name: 'Bench' });
      const unit = await db.prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
      await db.prisma.product.createMany({
        data: Array.from({ length: 200 }, (_, i) => ({
          tenantId,
          sku: `TWO-${i}`,
          name: `Product ${i}`,
          searchText: `two-${i} product ${i}`,
          unitId: unit.id,
          price: `${i + 1}.25`,
          quantityOnHand: '10',
        })),
      });
    } finally {
      await db.close();
    }
    servers.push(await startServer(env));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const headers = { ...TLS_PROXY_HEADERS, cookie: await signInCookie(a.baseUrl, email, PASSWORD, TLS_PROXY_HEADERS) };
    const page = '/catalog/products';
    for (const s of servers)
      for (let i = 0; i < 3; i++) {
        const res = await fetch(s.baseUrl + page, { headers, redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bench page answered ${res.status} on ${s.baseUrl}`);
      }
    const modes = { one: [a.baseUrl + page], two: [a.baseUrl + page, b.baseUrl + page] };
    const results = { one: [] as Load[], two: [] as Load[] };
    const cpu = { one: [] as CpuSpent[], two: [] as CpuSpent[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (['two', 'one'] as const) : (['one', 'two'] as const);
      for (const mode of order) {
        const serverCpu = () => servers.reduce((n, s) => n + processCpuMs(s.pid), 0);
        const s0 = serverCpu();
        const m0 = machineCpuMs();
        const t0 = performance.now();
        const result = await load(modes[mode], headers);
        const m1 = machineCpuMs();
        results[mode].push(result);
        cpu[mode].push({ servers: serverCpu() - s0, load: result.cpuMs, machine: m1.busy - m0.busy, wall: performance.now() - t0 });
      }
    }
    const rps = (mode: 'one' | 'two') => median(results[mode].map((r) => r.rps));
    const bad = [...results.one, ...results.two].reduce((n, r) => n + r.bad, 0);
    const share = (mode: 'one' | 'two') => {
      const c = cpu[mode];
      const sum = (f: (x: CpuSpent) => number) => c.reduce((n, x) => n + f(x), 0);
      const wall = sum((x) => x.wall);
      return {
        load: sum((x) => x.load) / (sum((x) => x.load) + sum((x) => x.servers)),
        loadCores: sum((x) => x.load) / wall,
        serverCores: sum((x) => x.servers) / wall,
        otherCores: (sum((x) => x.machine) - sum((x) => x.load) - sum((x) => x.servers)) / wall,
      };
    };
    const rows: BenchRow[] = [];
    for (const mode of ['one', 'two'] as const) {
      const c = share(mode);
      const p50 = median(results[mode].map((r) => r.p50));
      const p99 = median(results[mode].map((r) => r.p99));
      rows.push(
        info(
          `${mode === 'one' ? 'one instance' : 'two instances, connections alternating'}: p50 / p99 ${p50} / ${p99} ms; CPU cores busy: servers ${c.serverCores.toFixed(2)}, autocannon ${c.loadCores.toFixed(2)} (${(c.load * 100).toFixed(0)} % of servers + autocannon), rest of the machine ${c.otherCores.toFixed(2)}`,
          rps(mode),
          'req/s',
        ),
      );
    }
    const ratio = rps('two') / rps('one');
    rows.push(
      info(
        `two app instances vs one, product list (cache hit), ${CONNECTIONS} connections, 2 cores shared with the load generator (median of ${ROUNDS})`,
        rps('two'),
        'req/s',
        {
          baseline: rps('one'),
          ratio,
          target: 'info (≤ 2× on 2 cores)',
          pass: bad === 0 ? undefined : false,
        },
      ),
    );
    return rows;
  } finally {
    for (const s of servers) await s.stop();
    await database.drop();
    await deleteKeysWithPrefix(`${prefix}-two`);
  }
}

export async function run(): Promise<BenchRow[]> {
  const prefix = `bench-scale-${randomBytes(4).toString('hex')}`;
  const rows: BenchRow[] = [];
  const only = process.env.BENCH_SCALE_ONLY?.split(',');
  const steps = { cluster: clusterRows, replica: replicaRows, instances: instancesRows };
  for (const [name, step] of Object.entries(steps)) {
    if (only && !only.includes(name)) continue;
    const started = Date.now();
    rows.push(...(await step(prefix)));
    console.error(`bench scale: ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return rows;
}
