import { AuditService } from './audit/audit.service.ts';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createDatabase, type Database } from './db/client.ts';
import { applyMigrations } from './db/migrate.ts';
import type { TenantDb } from './db/tenant-scope.ts';
import {
  createRedisClient,
  createRedisConnections,
  type RedisClient,
  type RedisConnections,
  type RedisTopology,
} from './cache/redis-connection.ts';
import { createCacheService, type CacheService } from './cache/index.ts';
import { buildSalesServices, type SalesServices } from './sales/build.ts';
import { tenantDbFactory } from './http/request-scope.ts';
import { createLimiter } from './http/rate-limit.ts';
import { createSessionStore, type TieredSessionStore } from './auth/sessions/index.ts';
import { AuthService } from './auth/auth.service.ts';
import { AccountService } from './auth/account.service.ts';
import { UserAdminService } from './auth/user-admin.service.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { TotpSecrets } from './auth/totp-secrets.ts';
import { configurePasswordWork } from './auth/password.ts';
import { createCatalogServices, type CatalogServices } from './catalog/index.ts';
import { PrintingService } from './printing/printing.service.ts';
import { buildBalance, type BalanceService } from './balance/index.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { OneTimeLinks } from './auth/one-time-links.ts';
import { PasswordResetService } from './auth/password-reset.service.ts';
import { LowStockDigest } from './alerts/low-stock-digest.ts';

const SESSION_COMMAND_TIMEOUT_MS = 250;
// Rate limits wait longer for a slow (not a dead) Redis: a count that times out would go to
// the in-memory insurance limiter instead, and a count split between two stores lets more
// guesses through than the limit. A dead Redis still fails at once (no offline queue).
const LIMITS_COMMAND_TIMEOUT_MS = 2000;

/** Everything built once at start-up and passed down; tests build their own. */
export interface Dependencies {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnections | undefined;
  cache: CacheService;
  metrics: Registry;
  /** The tenant-scoped client of a tenant (memoised); requests get theirs as req.scope.db. */
  tenantDb: (tenantId: number) => TenantDb;
  /** express-session store: Redis (or in-process) in front of the PostgreSQL sessions table. */
  sessionStore: TieredSessionStore;
  loginThrottle: LoginThrottle;
  /** Seals and opens TOTP secrets at rest (TOTP_ENCRYPTION_KEY). */
  totpSecrets: TotpSecrets;
  postLimiter: RateLimiterAbstract;
  auth: AuthService;
  account: AccountService;
  userAdmin: UserAdminService;
  /** The owners' audit log page (entries are written by the changes themselves). */
  audit: AuditService;
  /** Sales, payments and customers (src/sales/build.ts). */
  sales: SalesServices['sales'];
  payments: SalesServices['payments'];
  customers: SalesServices['customers'];
  /** Closing the till: each user's cash count (src/till/). */
  till: SalesServices['till'];
  /** Products, stock, categories, units and business settings (issue 5). */
  catalog: CatalogServices;
  /** Balance series from the daily summary, cached; warms itself after invalidations (issue 7). */
  balance: BalanceService;
  /** Receipts, invoices (and their numbers) and label sheets. */
  printing: PrintingService;
  /** Outgoing e-mail (SMTP_URL); `enabled` false when not configured. */
  mailer: Mailer;
  /** Invitation and password-reset links: opening one, setting the password through it. */
  links: OneTimeLinks;
  passwordReset: PasswordResetService;
  /** The daily low-stock e-mail to owners and managers who asked for it. */
  lowStockDigest: LowStockDigest;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** A database built by the caller (tests); otherwise one is made from the config. */
  db?: Database;
  migrate?: boolean;
  collectProcessMetrics?: boolean;
}

export async function buildDependencies(config: Config, logger: Logger, options: BuildOptions = {}): Promise<Dependencies> {
  const db =
    options.db ?? (await createDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, purpose: 'the Stock server' }));
  if (options.migrate ?? true) {
    const { applied } = await applyMigrations(db, logger);
    if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
  }
  const metrics = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: metrics });
  const redisOptions = (topology: RedisTopology) => ({
    topology,
    password: config.redisPassword,
    connectTimeoutMs: config.cache.connectTimeoutMs,
    commandTimeoutMs: config.cache.commandTimeoutMs,
    logger,
  });
  const redis = config.redis ? createRedisConnections(redisOptions(config.redis)) : undefined;
  if (!redis) logger.info('REDIS_URL is not set: cache, sessions and rate limits are in-process (one instance only)');
  // Sessions and rate limits get their own connection, to their own (noeviction) Redis when
  // REDIS_SESSIONS_* is set, with a less hair-trigger command timeout than the cache's: a
  // dead Redis still fails at once (no offline queue), but a busy one does not flip every
  // session read to the database.
  const sessionRedis = config.redisSessions
    ? createRedisClient(config.redisSessions, {
        password: config.redisPassword,
        connectTimeoutMs: config.cache.connectTimeoutMs,
        commandTimeoutMs: Math.max(config.cache.commandTimeoutMs, SESSION_COMMAND_TIMEOUT_MS),
        offlineQueue: false,
        connectionName: 'stock-sessions',
      })
    : undefined;
  sessionRedis?.on('error', (error: Error) => logger.debug({ connection: 'sessions', err: error.message }, 'redis connection error'));
  const balance = buildBalance({
    cache: createCacheService({ config: config.cache, redis, prisma: db.prisma, logger, metrics }),
    prisma: db.prisma,
    ttlSeconds: config.cache.ttl.balance,
    logger,
  });
  const cache = balance.cache;

  const tenantDb = tenantDbFactory(db.prisma);
  const sessions = createSessionStore({
    prisma: db.prisma,
    redis: sessionRedis,
    keyPrefix: config.cache.keyPrefix,
    idleTimeoutSeconds: config.session.idleTimeoutSeconds,
    logger,
  });
  const limitsRedis = config.redisSessions
    ? createRedisClient(config.redisSessions, {
        password: config.redisPassword,
        connectTimeoutMs: config.cache.connectTimeoutMs,
        commandTimeoutMs: LIMITS_COMMAND_TIMEOUT_MS,
        offlineQueue: false,
        connectionName: 'stock-limits',
      })
    : undefined;
  limitsRedis?.on('error', (error: Error) => logger.debug({ connection: 'limits', err: error.message }, 'redis connection error'));
  // Counted in memory until the connection is ready, then in Redis: wait for it (briefly),
  // or the first requests' counts would be split between the two.
  if (limitsRedis) await whenReady(limitsRedis, config.cache.connectTimeoutMs);
  const limiterOptions = { redis: limitsRedis, keyPrefix: config.cache.keyPrefix };
  const loginThrottle = new LoginThrottle(limiterOptions);
  configurePasswordWork(config.passwordWork);
  if (config.totp.derived)
    logger.warn('TOTP_ENCRYPTION_KEY is not set: two-factor secrets are sealed with a fixed development key (required in production)');
  const totpSecrets = new TotpSecrets(config.totp.key, config.totp.oldKeys);
  const mailer = createMailer(config, logger);
  const passwordReset = new PasswordResetService({
    prisma: db.prisma,
    tenantDb,
    mailer,
    appUrl: config.appUrl,
    limiterOptions,
    logger,
  });
  const lowStockDigest = new LowStockDigest({
    prisma: db.prisma,
    tenantDb,
    mailer,
    appUrl: config.appUrl,
    hour: config.lowStockDigest.hour,
    logger,
  });
  return {
    config,
    logger,
    db,
    redis,
    cache,
    metrics,
    tenantDb,
    sessionStore: sessions.store,
    loginThrottle,
    totpSecrets,
    postLimiter: createLimiter(limiterOptions, { name: 'posts', points: config.rateLimit.postsPerMinute, durationSeconds: 60 }),
    auth: new AuthService({ prisma: db.prisma, tenantDb, throttle: loginThrottle, totpSecrets }),
    account: new AccountService(sessions.store, loginThrottle, totpSecrets),
    userAdmin: new UserAdminService(sessions.store, { mailer, logger }),
    audit: new AuditService(),
    catalog: createCatalogServices({ cache }),
    ...buildSalesServices({ cache, logger, metrics }),
    balance: balance.service,
    printing: new PrintingService(),
    mailer,
    links: new OneTimeLinks({ prisma: db.prisma, tenantDb, sessions: sessions.store }),
    passwordReset,
    lowStockDigest: new LowStockDigest({
      prisma: db.prisma,
      tenantDb,
      mailer,
      appUrl: config.appUrl,
      hour: config.lowStockDigest.hour,
      logger,
    }),
    async close() {
      await lowStockDigest.stop();
      await passwordReset.settled();
      mailer.close();
      await sessions.close();
      await balance.close();
      await cache.close();
      sessionRedis?.disconnect();
      limitsRedis?.disconnect();
      await redis?.close();
      await db.close();
    },
  };
}

/** Resolves once the connection is ready, or after `timeoutMs` (a Redis that is down is the insurance limiter's case). */
function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}
