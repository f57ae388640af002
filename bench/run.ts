import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureBuilt } from '../test/helpers/production.ts';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL } from './env.ts';
import { chartSvg, consoleTable, mergeResults, readResults, updateReadme, type PartResult } from './report.ts';
import type { BenchPart } from './types.ts';

// `npm run bench`: runs every bench/parts/*.ts (or those named on the command line), prints
// one table, and updates bench/results/latest.json, latest.svg and the README's table (see
// report.ts). Refuses to start when a part's services (Redis, PostgreSQL) are unreachable
// rather than printing numbers of nothing.

const here = dirname(fileURLToPath(import.meta.url));

async function reachable(service: 'redis' | 'postgresql'): Promise<string | undefined> {
  try {
    if (service === 'redis') {
      const redis = new Redis(BENCH_REDIS_URL, {
        lazyConnect: true,
        connectTimeout: 2000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
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

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const available = readdirSync(join(here, 'parts'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) {
    console.error(`bench: no part named ${unknown.join(', ')}; parts are ${available.join(', ')}`);
    process.exit(2);
  }
  const names = wanted.length ? available.filter((n) => wanted.includes(n)) : available;
  const parts = new Map<string, BenchPart>();
  for (const name of names) parts.set(name, (await import(pathToFileURL(join(here, 'parts', `${name}.ts`)).href)) as BenchPart);
  // Every part's services are checked before the first one runs: no half a report.
  for (const service of new Set([...parts.values()].flatMap((p) => p.needs ?? []))) {
    const problem = await reachable(service);
    if (problem) {
      console.error(`bench: refusing to run: ${problem}`);
      process.exit(2);
    }
  }
  // The servers the parts start run the build, as production does (test/helpers/server.ts).
  console.error('bench: building dist/ unless it is newer than the sources …');
  await ensureBuilt();
  const fresh: Record<string, PartResult> = {};
  for (const [name, part] of parts) {
    const started = Date.now();
    console.error(`bench: running ${name} (${[...parts.keys()].indexOf(name) + 1} of ${parts.size}) …`);
    fresh[name] = { at: new Date().toISOString(), node: process.version, rows: await part.run() };
    console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  console.log(consoleTable(Object.values(fresh).flatMap((r) => r.rows)));
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const results = mergeResults(readResults(join(resultsDir, 'latest.json')), fresh);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.svg'), await chartSvg(results));
  const readme = updateReadme(join(here, '..', 'README.md'), results);
  console.error(
    `bench: wrote bench/results/latest.json and latest.svg${readme ? ' and the README table' : ' (README markers not found: table not updated)'}`,
  );
  const missed = Object.values(fresh)
    .flatMap((r) => r.rows)
    .filter((r) => r.pass === false);
  if (missed.length) console.error(`bench: ${missed.length} target(s) missed: ${missed.map((r) => `${r.part}: ${r.name}`).join('; ')}`);
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
