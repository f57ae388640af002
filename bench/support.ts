import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { productionEnv } from '../test/helpers/production.ts';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL } from './env.ts';

// Setup shared by the bench parts: a fresh PostgreSQL database next to BENCH_DATABASE_URL,
// the environment of a production-like app process, signing in through the login form, and
// removing a run's Redis keys afterwards.

/** The bench speaks plain HTTP to a production-mode app: it says it came through a TLS proxy (TRUST_PROXY), which lets the Secure session cookie be set. */
export const TLS_PROXY_HEADERS: Readonly<Record<string, string>> = { 'x-forwarded-proto': 'https' };

export interface BenchDatabase {
  /** BENCH_DATABASE_URL with the new database's name. */
  url: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the empty database `stock_bench_<label>_<suffix>` (suffix: 8 random hex digits
 * unless given). `replaceExisting` drops a database of that name first, for a fixed suffix
 * that a crashed run may have left behind.
 */
export async function createBenchDatabase(
  label: string,
  options: { suffix?: string; replaceExisting?: boolean } = {},
): Promise<BenchDatabase> {
  const name = `stock_bench_${label}_${options.suffix ?? randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    if (options.replaceExisting) await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The bearer token /metrics asks the bench's servers for. */
export const BENCH_METRICS_TOKEN = `bench-metrics-${randomBytes(12).toString('hex')}`;

/** A counter or gauge without labels from a bench server's /metrics (0 when absent). */
export async function metric(server: { baseUrl: string }, name: string): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/**
 * The environment for test/helpers/server.ts's startServer that makes the app run as in
 * production (view cache on, Secure cookies, quiet logs) on the bench's services, with the
 * POST rate limit out of the way. Each call makes a new SESSION_SECRET: processes meant to
 * share sessions should share one environment.
 */
export function productionServerEnv(options: {
  databaseUrl: string;
  cacheKeyPrefix: string;
  cacheEnabled?: boolean;
}): Record<string, string> {
  return {
    ...productionEnv({ SESSION_SECRET: randomBytes(32).toString('hex') }),
    TRUST_PROXY: 'loopback',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_POSTS_PER_MINUTE: '100000',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: BENCH_REDIS_URL,
    CACHE_KEY_PREFIX: options.cacheKeyPrefix,
    ...(options.cacheEnabled === undefined ? {} : { CACHE_ENABLED: String(options.cacheEnabled) }),
  };
}

/** Signs in through the login form (page, CSRF token, POST); returns the Cookie header of the signed-in session. `extraHeaders` go with both requests (e.g. TLS_PROXY_HEADERS). */
export async function signInCookie(
  baseUrl: string,
  email: string,
  password: string,
  extraHeaders: Record<string, string> = {},
): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response): number => {
    const set = res.headers.getSetCookie();
    for (const raw of set) {
      const [pair] = raw.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return set.length;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${baseUrl}/login`, { redirect: 'manual', headers: extraHeaders });
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...extraHeaders, cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: csrf }),
  });
  const signedIn = keep(res) > 0;
  await res.arrayBuffer();
  if (res.status !== 303 || !signedIn) throw new Error(`bench sign-in of ${email} failed: ${res.status}`);
  return cookie();
}

/** Deletes every Redis key (of BENCH_REDIS_URL's database) that starts with `prefix`, with SCAN + UNLINK. */
export async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  const redis = new Redis(BENCH_REDIS_URL);
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
