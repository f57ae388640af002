import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectRoot } from '../../test/helpers/project-root.ts';
import { freePort } from '../../test/helpers/redis-server.ts';
import { BUILT_SERVER_ARGS } from '../../test/helpers/server.ts';
import { createBenchDatabase, deleteKeysWithPrefix, productionServerEnv } from '../support.ts';
import type { BenchRow } from '../types.ts';

// Start-up time of the production server: the build (`node dist/server.js`, as the image
// runs it) against the TypeScript sources through tsx, which compiles every module at
// start. Time from spawn to the "listening" log line (migrations checked, Redis connected),
// then /health must answer 200; also the CPU time the process used until then, which a
// machine busy with other work inflates less than the wall time (tsx's esbuild runs in a
// child process not counted there: the tsx CPU times are a lower bound). The rounds alternate the three ways of starting, on one
// migrated database. tsx keeps a compile cache in the temp directory: "cold" disables it
// (a new container starts with an empty /tmp), "warm" uses it as a second start on the same
// machine would.

export const needs = ['redis', 'postgresql'] as const;

const PART = 'startup';
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);

interface Way {
  label: string;
  args: string[];
  env?: Record<string, string>;
}
const built: Way = { label: 'node dist/server.js (built)', args: BUILT_SERVER_ARGS };
const tsxCold: Way = {
  label: 'tsx src/server.ts, compile cache cold',
  args: ['--import', 'tsx', 'src/server.ts'],
  env: { TSX_DISABLE_CACHE: '1' },
};
const tsxWarm: Way = { label: 'tsx src/server.ts, compile cache warm', args: ['--import', 'tsx', 'src/server.ts'] };

interface Start {
  wallMs: number;
  cpuMs: number;
}

/** User + system CPU time of a running process, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 of stat(5), counted after "pid (comm)".
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Wall and CPU milliseconds from spawn to "listening"; the process is stopped afterwards. */
async function startOnce(way: Way, env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, way.args, {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      ...way.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const listening = await new Promise<Start>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        if (output.includes('Stock listening on')) resolve({ wallMs: performance.now() - started, cpuMs: cpuMsOf(child.pid!) });
      });
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      void exited.then((code) => reject(new Error(`${way.label} exited with ${code} before listening:\n${output}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    if (health.status !== 200) throw new Error(`${way.label}: /health answered ${health.status}`);
    return listening;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function run(): Promise<BenchRow[]> {
  const database = await createBenchDatabase(PART);
  const prefix = `bench-startup-${process.pid}`;
  try {
    const env = productionServerEnv({ databaseUrl: database.url, cacheKeyPrefix: prefix });
    // First start applies the migrations; the second fills tsx's cache for the warm rounds.
    await startOnce(built, env);
    await startOnce(tsxWarm, env);
    const starts = new Map<Way, Start[]>([built, tsxCold, tsxWarm].map((w) => [w, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [way, list] of starts) list.push(await startOnce(way, env));
    }
    const of = (way: Way, measure: keyof Start) => starts.get(way)!.map((s) => s[measure]);
    const runs = (way: Way, measure: keyof Start) =>
      `${ROUNDS} runs: ${of(way, measure)
        .map((t) => t.toFixed(0))
        .join(', ')} ms`;
    const builtWall = median(of(built, 'wallMs'));
    const builtCpu = median(of(built, 'cpuMs'));
    const rows: BenchRow[] = [
      {
        part: PART,
        name: `start to listening, ${built.label}: wall time (median of ${runs(built, 'wallMs')})`,
        value: Math.round(builtWall),
        unit: 'ms',
      },
      {
        part: PART,
        name: `start to listening, ${built.label}: CPU time (median of ${runs(built, 'cpuMs')})`,
        value: Math.round(builtCpu),
        unit: 'ms',
      },
    ];
    for (const way of [tsxCold, tsxWarm]) {
      for (const [measure, builtValue, what] of [
        ['wallMs', builtWall, 'wall'],
        ['cpuMs', builtCpu, 'CPU'],
      ] as const) {
        const m = median(of(way, measure));
        rows.push({
          part: PART,
          name: `${what} time to listening, built vs ${way.label} (median of ${runs(way, measure)})`,
          value: Math.round(builtValue),
          unit: 'ms',
          baseline: Math.round(m),
          ratio: builtValue / m,
          target: 'info (built vs tsx)',
        });
      }
    }
    return rows;
  } finally {
    await database.drop();
    await deleteKeysWithPrefix(prefix);
  }
}
