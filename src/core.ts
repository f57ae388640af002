import type { Registry } from 'prom-client';
import type { CacheService } from './cache/index.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { TenantDb } from './db/tenant-scope.ts';
import type { Scopes } from './db/scope.ts';
import type { RetryDeps } from './db/transactions.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';

// What every part is built from (docs/decisions/019-layering.md): the core's services, made
// once by src/container.ts. A part's index.ts takes this (or the fields it needs) and hands
// back its services and router; parts never see the container.

/** What the services that write in retried transactions are built with. */
export interface TransactionDeps extends RetryDeps {
  cache: CacheService;
}

export interface Core {
  config: Config;
  logger: Logger;
  db: Database;
  cache: CacheService;
  /** Outgoing e-mail (SMTP_URL); `enabled` false when not configured. */
  mailer: Mailer;
  metrics: Registry;
  /** The tenant-scoped client of a tenant (memoised); requests get theirs as req.scope.db. */
  tenantDb: (tenantId: number) => TenantDb;
  /** The one way a Scope is made: a request's (the sign-in guard), the CLI's, a test's. */
  scopeFor: Scopes['scopeFor'];
  /** The cache and logger, with the counter of transactions retried after a conflict. */
  transactions: TransactionDeps;
}
