import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL } from './env.ts';
import type { BenchPart, BenchRow } from './types.ts';

// `npm run bench`: runs every bench/parts/*.ts (or those named on the command line), prints
// one table and writes bench/results/latest.json. Refuses to run a part whose services
// (Redis, PostgreSQL) are unreachable rather than printing numbers of nothing.

const here = dirname(fileURLToPath(import.meta.url));

async function reachable(service: 'redis' | 'postgresql'): Promise<string | undefined> {
  try {
    if (service === 'redis') {
      const redis = new Redis(BENCH_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => {});
      await redis.connect();
      await redis.ping();
      redis.disconnect();
    } else {
      const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 2000 });
      await client.connect();
      await client.end();
    }
    return undefined;
  } catch (error) {
    const where = service === 'redis' ? new URL(BENCH_REDIS_URL).host : new URL(BENCH_DATABASE_URL).host;
    return `${service} at ${where} is unreachable (${(error as Error).message}); start it or set ${service === 'redis' ? 'BENCH_REDIS_URL' : 'BENCH_DATABASE_URL'}`;
  }
}

function format(n: number | undefined): string {
  if (n === undefined) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

function printTable(rows: BenchRow[]): void {
  const header = ['part', 'name', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];
  const cells = rows.map((r) => [r.part, r.name, format(r.value), r.unit, format(r.baseline), r.ratio === undefined ? '' : `${format(r.ratio)}`, r.target ?? '', r.pass === undefined ? '' : r.pass ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 2 && i <= 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(join(here, 'parts'))
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => !wanted.length || wanted.includes(f.replace(/\.ts$/, '')))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    const part = (await import(pathToFileURL(join(here, 'parts', file)).href)) as BenchPart;
    for (const service of part.needs ?? []) {
      const problem = await reachable(service);
      if (problem) {
        console.error(`bench ${file}: refusing to run: ${problem}`);
        process.exit(2);
      }
    }
    console.error(`bench: running ${file} …`);
    rows.push(...(await part.run()));
  }
  printTable(rows);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  console.error(`bench: wrote bench/results/latest.json (${rows.length} rows)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
