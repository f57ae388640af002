import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Router } from 'express';
import type { Config } from './config.ts';
import type { Core } from './core.ts';
import type { Logger } from './logger.ts';
import { createDatabase, type Database } from './db/client.ts';
import { applyMigrations } from './db/migrate.ts';
import {
  createRedisClient,
  createRedisConnections,
  type RedisClient,
  type RedisConnections,
  type RedisTopology,
} from './cache/redis-connection.ts';
import { createCacheService } from './cache/index.ts';
import type { ConditionalPages } from './http/conditional-page.ts';
import { scopes, tenantClients } from './db/scope.ts';
import { createReportReads, type ReportReads } from './db/report-reads.ts';
import { createLimiter } from './http/rate-limit.ts';
import {
  configurePasswordWork,
  createAuth,
  createSessionStore,
  LoginThrottle,
  TotpSecrets,
  type AccountService,
  type AuthService,
  type OneTimeLinks,
  type PasswordResetService,
  type TieredSessionStore,
  type UserAdminService,
} from './auth/index.ts';
import { createAlerts, type LowStockDigest, type AlertsService } from './alerts/index.ts';
import { createAudit, type AuditService } from './audit/index.ts';
import { createSettings, type SettingsServices } from './settings/index.ts';
import { createCatalog, type CatalogServices } from './catalog/index.ts';
import { createBalance, type BalanceService } from './balance/index.ts';
import { createProfit, type ProfitService } from './profit/index.ts';
import { createCustomers, type CustomersService } from './customers/index.ts';
import { createSales, type SalesService } from './sales/index.ts';
import { createPayments, type PaymentsService } from './payments/index.ts';
import { createTill, type TillService } from './till/index.ts';
import { createPrinting, type PrintingService } from './printing/index.ts';
import { createPurchasing, type PurchasingServices } from './purchasing/index.ts';
import { DASHBOARD_PAGE_MODULES, createDashboard } from './dashboard/index.ts';
import { createAdmin } from './admin/index.ts';
import type { LoginFormToken } from './http/login-csrf.ts';
import { createMailer } from './mail/mailer.ts';

const SESSION_COMMAND_TIMEOUT_MS = 250;
// Rate limits wait longer for a slow (not a dead) Redis: a count that times out would go to
// the in-memory insurance limiter instead, and a count split between two stores lets more
// guesses through than the limit. A dead Redis still fails at once (no offline queue).
const LIMITS_COMMAND_TIMEOUT_MS = 2000;

/** Everything built once at start-up and passed down; tests build their own. */
export interface Dependencies extends Core {
  redis: RedisConnections | undefined;
  /** Report reads on DATABASE_REPLICA_URLS; undefined when none is set (reports read the primary). */
  reportReads: ReportReads | undefined;
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
  sales: SalesService;
  payments: PaymentsService;
  customers: CustomersService;
  /** Closing the till: each user's cash count (src/till/). */
  till: TillService;
  /** Business settings, categories and units (src/settings/). */
  settings: SettingsServices;
  /** Products and stock (src/catalog/). */
  catalog: CatalogServices;
  /** Balance series from the daily summary, cached; warms itself after invalidations. */
  balance: BalanceService;
  /** Profit and stock value from the profit summary, products and the ledger, cached. */
  profit: ProfitService;
  /** Receipts, invoices (and their numbers) and label sheets. */
  printing: PrintingService;
  /** Suppliers, purchase orders, receiving at cost, supplier payables, reorder (src/purchasing/). */
  purchasing: PurchasingServices;
  /** Each part's pages, in the order src/app.ts mounts them after the sign-in guard. */
  routers: Router[];
  /** Pages built only from cached reads, with the modules each reads: they answer conditional GETs. */
  conditionalPages: ConditionalPages;
  /** The public sign-in pages (/login, /login/2fa, /logout), with the sign-in form's CSRF token. */
  signInRouter(loginForm: LoginFormToken): Router;
  /** Invitation and password-reset links: opening one, setting the password through it. */
  links: OneTimeLinks;
  passwordReset: PasswordResetService;
  /** The account page's choice of e-mail alerts. */
  alerts: AlertsService;
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
  const cache = createCacheService({ config: config.cache, redis, prisma: db.prisma, logger, metrics });
  const balance = createBalance({ cache, prisma: db.prisma, ttlSeconds: config.cache.ttl.balance, logger });

  const reportReads = config.databaseReplicaUrls.length
    ? await createReportReads({ primary: db.prisma, replicaUrls: config.databaseReplicaUrls, tenantClients, metrics, logger })
    : undefined;
  const { tenantDb, scopeFor } = scopes(db.prisma, reportReads);
  const sessions = createSessionStore({
    prisma: db.prisma,
    redis: sessionRedis,
    keyPrefix: config.cache.keyPrefix,
    idleTimeoutSeconds: config.session.idleTimeoutSeconds,
    touchIntervalSeconds: config.session.touchIntervalSeconds,
    logger,
    metrics,
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
  const retries = new Counter({
    name: 'stock_transaction_conflict_retries_total',
    help: 'Sale, payment and customer transactions retried after a deadlock or serialization failure',
    registers: [metrics],
  });
  const core: Core = {
    config,
    logger,
    db,
    cache,
    mailer,
    metrics,
    tenantDb,
    scopeFor,
    transactions: { cache, logger, onConflictRetry: () => retries.inc() },
  };
  const auth = createAuth(core, { sessionStore: sessions.store, loginThrottle, totpSecrets, limiterOptions });
  const alerts = createAlerts(core);
  const audit = createAudit();
  const settings = createSettings(core);
  const catalog = createCatalog(core, settings);
  const profit = createProfit(core);
  const customers = createCustomers(core);
  const sales = createSales(core, { customers: customers.customers });
  const payments = createPayments(core, { sales: sales.sales, customers: customers.customers });
  const { router: purchasingRouter, ...purchasing } = createPurchasing(core);
  const till = createTill(core);
  const printing = createPrinting(core);
  const dashboard = createDashboard({ balance: balance.service, cache: core.cache, ttlSeconds: core.config.cache.ttl.dashboard });
  const admin = createAdmin({ cache, settings, balance: balance.service, profit: profit.profit });
  return {
    ...core,
    redis,
    reportReads,
    sessionStore: sessions.store,
    loginThrottle,
    totpSecrets,
    postLimiter: createLimiter(limiterOptions, { name: 'posts', points: config.rateLimit.postsPerMinute, durationSeconds: 60 }),
    auth: auth.auth,
    account: auth.account,
    userAdmin: auth.userAdmin,
    links: auth.links,
    passwordReset: auth.passwordReset,
    alerts: alerts.alerts,
    lowStockDigest: alerts.lowStockDigest,
    audit: audit.audit,
    settings: {
      business: settings.business,
      uoms: settings.uoms,
      categories: settings.categories,
      paymentMethods: settings.paymentMethods,
    },
    catalog,
    sales: sales.sales,
    payments: payments.payments,
    customers: customers.customers,
    till: till.till,
    balance: balance.service,
    profit: profit.profit,
    printing: printing.printing,
    purchasing,
    routers: [
      dashboard.router,
      auth.router,
      alerts.router,
      catalog.router,
      settings.router,
      balance.router,
      profit.router,
      customers.router({ sales: sales.sales, payments: payments.payments }),
      sales.router,
      printing.router,
      till.router,
      payments.router,
      purchasingRouter,
      admin.router,
      audit.router,
    ],
    conditionalPages: {
      '/balance': ['balance'],
      '/catalog/products': ['products', 'categories', 'uom'],
      '/profit': ['profit'],
      '/': DASHBOARD_PAGE_MODULES,
      '/sales': ['sales-list', 'customers'],
      '/payments': ['payments-list', 'customers'],
      '/customers': ['customers'],
      '/customers/:id': ['customers', 'sales-list', 'payments-list'],
      '/customers/:id/statement': ['customers'],
    },
    signInRouter: auth.signInRouter,
    async close() {
      await alerts.lowStockDigest.stop();
      await auth.passwordReset.settled();
      mailer.close();
      await sessions.close();
      await balance.close();
      await cache.close();
      sessionRedis?.disconnect();
      limitsRedis?.disconnect();
      await redis?.close();
      await reportReads?.close();
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
