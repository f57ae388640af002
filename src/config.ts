import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseHostPorts, type HostPort, type RedisTopology } from './cache/redis-connection.ts';

// Environment → validated configuration. Every variable the product defines (and the few later
// issues add) is parsed here and nowhere else; a bad value stops start-up with one line.

/** Rendered pages kept by ETag (CACHE_PAGE_BYTES) unless configured. */
export const DEFAULT_KEPT_PAGE_BYTES = 32 * 1024 * 1024;

/** A TOTP encryption key (TOTP_ENCRYPTION_KEY): its id names which key sealed a secret. */
export interface TotpKey {
  id: string;
  key: Buffer;
}

/** A key from its text: 64 hex digits or base64 of 32 bytes. Undefined when it is neither. */
export function parseTotpKey(text: string): TotpKey | undefined {
  const v = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v)
    ? Buffer.from(v, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(v)
      ? Buffer.from(v, 'base64')
      : undefined;
  if (!key || key.length !== 32) return undefined;
  return { id: createHash('sha256').update(key).digest('base64url').slice(0, 8), key };
}

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, what = 'an integer') =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} (got "${v}")` });
        return z.NEVER;
      }
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max} (got ${n})` });
        return z.NEVER;
      }
      return n;
    });

const seconds = (fallback: number) => int(fallback, 1, 31 * 24 * 3600, 'a whole number of seconds');

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => {
        if (v === undefined) return true;
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const hostPorts = z
  .string()
  .optional()
  .transform((v, ctx): HostPort[] | undefined => {
    if (v === undefined || v.trim() === '') return undefined;
    try {
      return parseHostPorts(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
    PORT: int(3000, 0, 65535, 'a port number'),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: url(['postgresql:', 'postgres:']),
    // Read replicas for report reads (streaming replicas of DATABASE_URL), separated by commas.
    DATABASE_REPLICA_URLS: z
      .string()
      .optional()
      .transform((v, ctx): string[] => {
        const urls = (v ?? '')
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean);
        for (const u of urls) {
          let ok = false;
          try {
            ok = ['postgresql:', 'postgres:'].includes(new URL(u).protocol);
          } catch {
            // not a URL
          }
          if (!ok) {
            ctx.addIssue({ code: 'custom', message: 'must be postgresql:// URLs separated by commas' });
            return z.NEVER;
          }
        }
        return urls;
      }),
    PGLITE_DIR: z.string().min(1).default('./data'),
    REDIS_URL: url(['redis:', 'rediss:']),
    // Sessions and rate limits may live in their own noeviction instance (docker-compose.prod.yml).
    REDIS_SESSIONS_URL: url(['redis:', 'rediss:']),
    // Instead of a URL: a Redis Cluster (any of its nodes) or a Sentinel-managed primary.
    REDIS_CLUSTER_NODES: hostPorts,
    REDIS_SENTINELS: hostPorts,
    REDIS_SENTINEL_NAME: z.string().optional(),
    REDIS_SESSIONS_CLUSTER_NODES: hostPorts,
    REDIS_SESSIONS_SENTINELS: hostPorts,
    REDIS_SESSIONS_SENTINEL_NAME: z.string().optional(),
    REDIS_PASSWORD: z.string().optional(),
    SESSION_SECRET: z.string().optional(),
    SESSION_IDLE_TIMEOUT: seconds(8 * 3600),
    SESSION_ABSOLUTE_TIMEOUT: seconds(7 * 24 * 3600),
    SESSION_TOUCH_INTERVAL_SECONDS: int(60, 0, 3600),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v, ctx) => {
        const parsed = parseTrustProxy(v);
        if (parsed === undefined) {
          ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HELP });
          return z.NEVER;
        }
        return parsed;
      }),
    // Bearer token that /metrics and the details of /health/cache ask for; unset: /metrics is off.
    METRICS_TOKEN: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || /^[\x21-\x7e]{24,200}$/.test(v), 'must be 24-200 printable characters without spaces'),
    TOTP_ENCRYPTION_KEY: z.string().optional(),
    TOTP_ENCRYPTION_OLD_KEYS: z.string().optional(),
    // Below libuv's 4 threads, which argon2 shares with file reads (static files) and DNS.
    PASSWORD_HASH_CONCURRENCY: int(2, 1, 256),
    PASSWORD_HASH_QUEUE: int(32, 0, 10000),
    RATE_LIMIT_POSTS_PER_MINUTE: int(120, 1, 100000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    SEED_DEMO: bool(true),
    CACHE_ENABLED: bool(true),
    CACHE_KEY_PREFIX: z
      .string()
      .default('stock')
      .refine((v) => /^[A-Za-z0-9_-]{1,32}$/.test(v), 'must be 1-32 letters, digits, _ or -'),
    CACHE_DEFAULT_TTL: seconds(60),
    CACHE_PRODUCTS_TTL: seconds(60),
    CACHE_CATEGORIES_TTL: seconds(300),
    CACHE_UOM_TTL: seconds(3600),
    CACHE_BALANCE_TTL: seconds(60),
    CACHE_PROFIT_TTL: seconds(60),
    CACHE_VIEWER_TTL: seconds(300),
    CACHE_DASHBOARD_TTL: seconds(60),
    CACHE_SALES_LIST_TTL: seconds(60),
    CACHE_PAYMENTS_LIST_TTL: seconds(60),
    CACHE_CUSTOMERS_TTL: seconds(60),
    CACHE_NEGATIVE_TTL: seconds(15),
    CACHE_STALE_GRACE: int(300, 0, 86400, 'a whole number of seconds'),
    CACHE_L1_ENABLED: bool(true),
    CACHE_L1_MAX_ENTRIES: int(10000, 1, 10_000_000),
    CACHE_L1_MAX_BYTES: int(64 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    CACHE_PAGE_BYTES: int(DEFAULT_KEPT_PAGE_BYTES, 0, 4 * 1024 * 1024 * 1024),
    CACHE_COMMAND_TIMEOUT_MS: int(50, 1, 10000),
    REDIS_CONNECT_TIMEOUT_MS: int(3000, 100, 60000),
    CACHE_BREAKER_THRESHOLD: int(5, 1, 1000),
    CACHE_BREAKER_OPEN_MS: int(1000, 10, 600000),
    CACHE_LOCK_TTL_MS: int(5000, 50, 600000),
    CACHE_LOCK_WAIT_MS: int(2000, 0, 600000),
    CACHE_OUTBOX_POLL_MS: int(60000, 100, 3600000),
    // E-mail is off unless SMTP_URL is set; then MAIL_FROM and APP_URL (the links' origin) are needed.
    SMTP_URL: url(['smtp:', 'smtps:']),
    MAIL_FROM: z
      .string()
      .optional()
      .transform((v) => (v?.trim() ? v.trim() : undefined))
      .refine(
        (v) => v === undefined || /^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(v),
        'must be an address like Stock <stock@example.com>',
      ),
    APP_URL: url(['http:', 'https:']),
    // The hour (0-23, in each business's own time zone) after which its low-stock digest goes out.
    LOW_STOCK_DIGEST_HOUR: int(8, 0, 23, 'an hour from 0 to 23'),
    LOW_STOCK_CHECK_INTERVAL_MS: int(5 * 60 * 1000, 1000, 24 * 3600 * 1000),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && !env.MAIL_FROM)
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'is required with SMTP_URL (the address e-mail is sent from)' });
    if (env.SMTP_URL && !env.APP_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['APP_URL'],
        message: 'is required with SMTP_URL: the address users open the app at (https://stock.example.com), for the links in e-mail',
      });
    if (env.NODE_ENV === 'production' && (!env.SESSION_SECRET || env.SESSION_SECRET.length < 32)) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production and must be at least 32 characters' });
    }
    if (env.TOTP_ENCRYPTION_KEY !== undefined && !parseTotpKey(env.TOTP_ENCRYPTION_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TOTP_ENCRYPTION_KEY'],
        message: 'must be 32 random bytes as 64 hex digits or base64 (openssl rand -hex 32)',
      });
    } else if (env.NODE_ENV === 'production' && !env.TOTP_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['TOTP_ENCRYPTION_KEY'],
        message: 'is required in production: 32 random bytes as 64 hex digits (openssl rand -hex 32)',
      });
    }
    if (env.TOTP_ENCRYPTION_OLD_KEYS && !env.TOTP_ENCRYPTION_OLD_KEYS.split(',').every((k) => parseTotpKey(k))) {
      ctx.addIssue({
        code: 'custom',
        path: ['TOTP_ENCRYPTION_OLD_KEYS'],
        message: 'must be keys like TOTP_ENCRYPTION_KEY, separated by commas',
      });
    }
    if (env.DATABASE_REPLICA_URLS.length && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_REPLICA_URLS'],
        message: 'needs DATABASE_URL (the primary): the embedded database has no replicas',
      });
    }
    if (env.SESSION_ABSOLUTE_TIMEOUT < env.SESSION_IDLE_TIMEOUT) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_ABSOLUTE_TIMEOUT'], message: 'must not be shorter than SESSION_IDLE_TIMEOUT' });
    }
    if (env.SESSION_TOUCH_INTERVAL_SECONDS * 2 > env.SESSION_IDLE_TIMEOUT) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_TOUCH_INTERVAL_SECONDS'], message: 'must be at most half of SESSION_IDLE_TIMEOUT' });
    }
    for (const group of ['REDIS', 'REDIS_SESSIONS'] as const) {
      const url = env[`${group}_URL`];
      const nodes = env[`${group}_CLUSTER_NODES`];
      const sentinels = env[`${group}_SENTINELS`];
      const name = env[`${group}_SENTINEL_NAME`];
      const set = [url && `${group}_URL`, nodes && `${group}_CLUSTER_NODES`, sentinels && `${group}_SENTINELS`].filter(Boolean);
      if (set.length > 1)
        ctx.addIssue({ code: 'custom', path: [set[1]!], message: `cannot be combined with ${set[0]!}: set one way to reach that Redis` });
      if (sentinels && !name?.trim())
        ctx.addIssue({
          code: 'custom',
          path: [`${group}_SENTINEL_NAME`],
          message: `is required with ${group}_SENTINELS (the name the sentinels monitor the primary under)`,
        });
      if (name?.trim() && !sentinels)
        ctx.addIssue({ code: 'custom', path: [`${group}_SENTINELS`], message: `is required with ${group}_SENTINEL_NAME` });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** DATABASE_REPLICA_URLS: streaming replicas that serve report reads; empty: none. */
  databaseReplicaUrls: string[];
  pgliteDir: string;
  redisUrl: string | undefined;
  /** Redis for sessions and rate limits: REDIS_SESSIONS_URL, else REDIS_URL. */
  redisSessionsUrl: string | undefined;
  /** Where the cache's Redis is (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS); undefined: none. */
  redis: RedisTopology | undefined;
  /** Sessions' and rate limits' Redis: its own REDIS_SESSIONS_* settings, else the cache's. */
  redisSessions: RedisTopology | undefined;
  redisPassword: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  seedDemo: boolean;
  /** Express "trust proxy": false, a hop count, or the proxy's addresses (never `true`). */
  trustProxy: false | number | string[];
  metricsToken: string | undefined;
  /** Keys that seal TOTP secrets; `derived` when none was configured (development and test only). */
  totp: { key: TotpKey; oldKeys: TotpKey[]; derived: boolean };
  /** Password hashes at once per process, and how many may wait for one. */
  passwordWork: { concurrency: number; queue: number; maxWaitMs: number };
  /** touchIntervalSeconds: the rolling expiry reaches Redis at most this often per session. */
  session: { secret: string; idleTimeoutSeconds: number; absoluteTimeoutSeconds: number; touchIntervalSeconds: number };
  rateLimit: { postsPerMinute: number };
  cache: AppCacheConfig;
  /** Outgoing e-mail; undefined when SMTP_URL is not set (links are then shown on screen). */
  mail: { smtpUrl: string; from: string } | undefined;
  /** The app's public origin without a trailing slash (APP_URL), for links in e-mail. */
  appUrl: string | undefined;
  lowStockDigest: { hour: number; checkIntervalMs: number };
}

/** The cache's modules (each with its own TTL, CACHE_<MODULE>_TTL): the only names `cache.module()` accepts. */
export const CACHE_MODULES = [
  'balance',
  'products',
  'categories',
  'uom',
  'profit',
  'viewer',
  'dashboard',
  'sales-list',
  'payments-list',
  'customers',
] as const;
export type CacheModule = (typeof CACHE_MODULES)[number];

/** The cache's settings as the configuration reads them: every module's TTL (CACHE_<MODULE>_TTL). */
export type AppCacheConfig = CacheConfig & {
  ttl: Record<CacheModule, number>;
  /** Room for rendered pages kept by their ETag in this process (src/http/conditional-page.ts); 0 keeps none. */
  keptPageBytes: number;
};

export interface CacheConfig {
  enabled: boolean;
  keyPrefix: string;
  defaultTtl: number;
  /** Each module's TTL in seconds; a module left out lives `defaultTtl` (src/cache/ttl.ts). */
  ttl: Partial<Record<CacheModule, number>>;
  negativeTtl: number;
  staleGrace: number;
  l1: { enabled: boolean; maxEntries: number; maxBytes: number };
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Consecutive Redis failures that open the circuit breaker, and how long it stays open. */
  breaker: { failureThreshold: number; openMs: number };
  /** Cross-process loader lock: its expiry, and how long others wait for the holder's value. */
  lock: { ttlMs: number; waitMs: number };
  /** How often every instance applies outbox rows left behind by a failed or dead instance. */
  outboxPollMs: number;
}

export class ConfigError extends Error {
  static code = 'E_CONFIG';
}

const TRUST_PROXY_HELP =
  'must name the proxy in front of the app: false, a hop count (1 when exactly one proxy is in front and the app is reachable only through it), or its addresses (loopback, 10.0.0.5, 172.18.0.0/16, comma-separated). "true" would believe any client\'s X-Forwarded-For';
const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** false, a hop count, or a list of addresses/subnets/names as Express's proxy-addr reads them; undefined when invalid. */
function parseTrustProxy(raw: string): false | number | string[] | undefined {
  const v = raw.trim();
  if (v === 'false' || v === '' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v) <= 10 ? Number(v) : undefined;
  const items = v.split(',').map((s) => s.trim());
  const valid = items.every((item) => {
    if (proxyNames.has(item)) return true;
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address ?? '');
    if (!family || rest.length) return false;
    if (bits === undefined) return true;
    return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  });
  return valid ? items : undefined;
}

// Outside production, a fixed key so that a development database keeps working across restarts.
const DEVELOPMENT_TOTP_KEY = createHash('sha256').update('stock-development-totp-key-not-for-production').digest('hex');
function topology(
  url: string | undefined,
  nodes: HostPort[] | undefined,
  sentinels: HostPort[] | undefined,
  name: string | undefined,
): RedisTopology | undefined {
  if (nodes) return { kind: 'cluster', nodes };
  if (sentinels) return { kind: 'sentinel', sentinels, name: name!.trim() };
  if (url) return { kind: 'single', url };
  return undefined;
}

/** Parse the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const e = result.data;
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrls: e.DATABASE_REPLICA_URLS,
    pgliteDir: e.PGLITE_DIR,
    redisUrl: e.REDIS_URL,
    redisSessionsUrl: e.REDIS_SESSIONS_URL ?? e.REDIS_URL,
    redis: topology(e.REDIS_URL, e.REDIS_CLUSTER_NODES, e.REDIS_SENTINELS, e.REDIS_SENTINEL_NAME),
    redisSessions:
      topology(e.REDIS_SESSIONS_URL, e.REDIS_SESSIONS_CLUSTER_NODES, e.REDIS_SESSIONS_SENTINELS, e.REDIS_SESSIONS_SENTINEL_NAME) ??
      topology(e.REDIS_URL, e.REDIS_CLUSTER_NODES, e.REDIS_SENTINELS, e.REDIS_SENTINEL_NAME),
    redisPassword: e.REDIS_PASSWORD || undefined,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    totp: {
      key: parseTotpKey(e.TOTP_ENCRYPTION_KEY ?? DEVELOPMENT_TOTP_KEY)!,
      oldKeys: (e.TOTP_ENCRYPTION_OLD_KEYS ?? '')
        .split(',')
        .filter((k) => k.trim())
        .map((k) => parseTotpKey(k)!),
      derived: e.TOTP_ENCRYPTION_KEY === undefined,
    },
    passwordWork: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE, maxWaitMs: 2000 },
    // Outside production a fixed secret keeps sessions across restarts of a dev server.
    session: {
      secret: e.SESSION_SECRET ?? 'stock-development-secret-not-for-production',
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT,
      touchIntervalSeconds: e.SESSION_TOUCH_INTERVAL_SECONDS,
    },
    rateLimit: { postsPerMinute: e.RATE_LIMIT_POSTS_PER_MINUTE },
    cache: {
      enabled: e.CACHE_ENABLED,
      keyPrefix: e.CACHE_KEY_PREFIX,
      defaultTtl: e.CACHE_DEFAULT_TTL,
      ttl: {
        balance: e.CACHE_BALANCE_TTL,
        products: e.CACHE_PRODUCTS_TTL,
        categories: e.CACHE_CATEGORIES_TTL,
        uom: e.CACHE_UOM_TTL,
        profit: e.CACHE_PROFIT_TTL,
        viewer: e.CACHE_VIEWER_TTL,
        dashboard: e.CACHE_DASHBOARD_TTL,
        'sales-list': e.CACHE_SALES_LIST_TTL,
        'payments-list': e.CACHE_PAYMENTS_LIST_TTL,
        customers: e.CACHE_CUSTOMERS_TTL,
      },
      negativeTtl: e.CACHE_NEGATIVE_TTL,
      staleGrace: e.CACHE_STALE_GRACE,
      l1: { enabled: e.CACHE_L1_ENABLED, maxEntries: e.CACHE_L1_MAX_ENTRIES, maxBytes: e.CACHE_L1_MAX_BYTES },
      // An in-process tier, like L1: off with it.
      keptPageBytes: e.CACHE_ENABLED && e.CACHE_L1_ENABLED ? e.CACHE_PAGE_BYTES : 0,
      commandTimeoutMs: e.CACHE_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      breaker: { failureThreshold: e.CACHE_BREAKER_THRESHOLD, openMs: e.CACHE_BREAKER_OPEN_MS },
      lock: { ttlMs: e.CACHE_LOCK_TTL_MS, waitMs: e.CACHE_LOCK_WAIT_MS },
      outboxPollMs: e.CACHE_OUTBOX_POLL_MS,
    },
    mail: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM! } : undefined,
    appUrl: e.APP_URL?.replace(/\/+$/, ''),
    lowStockDigest: { hour: e.LOW_STOCK_DIGEST_HOUR, checkIntervalMs: e.LOW_STOCK_CHECK_INTERVAL_MS },
  };
}
