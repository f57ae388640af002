import type { Router } from 'express';
import type { CacheService } from '../cache/index.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { notifyBalanceInvalidations } from './invalidation-listener.ts';
import { BalanceService } from './balance.service.ts';
import { BalanceWarmer } from './warm-up.ts';
import { balanceRouter } from './balance.router.ts';

export { BalanceService } from './balance.service.ts';
export type { BalanceSeries, BalanceBucket, SeriesQuery, Granularity, CustomerFilter } from './balance.types.ts';
export { verifyBalanceSummary, rebuildBalanceSummary } from './verify.ts';
export { addToBalanceDays, balanceDaysUpsert, balanceRows, type BalanceRow } from './balance-days.ts';
export { openBalance } from './open-balance.ts';

export interface BalanceParts {
  service: BalanceService;
  warmer: BalanceWarmer;
  /** The cache every other service should get: it schedules the warm-up after balance invalidations. */
  cache: CacheService;
  /** /balance, its CSV and detail; mounted after the sign-in guard. */
  router: Router;
  close(): Promise<void>;
}

/** The balance service, its warm-up, and the cache wired to trigger it (container.ts). */
export function createBalance(deps: {
  cache: CacheService;
  prisma: PrismaClient;
  ttlSeconds: number;
  logger: Logger;
  warmDelayMs?: number;
}): BalanceParts {
  const service = new BalanceService({ cache: deps.cache, prisma: deps.prisma, ttlSeconds: deps.ttlSeconds });
  const warmer = new BalanceWarmer({ warm: (tenantId) => service.warmBalance(tenantId), logger: deps.logger, delayMs: deps.warmDelayMs });
  const cache = notifyBalanceInvalidations(deps.cache, (tenantId) => warmer.schedule(tenantId));
  return { service, warmer, cache, router: balanceRouter({ balance: service }), close: () => warmer.close() };
}
