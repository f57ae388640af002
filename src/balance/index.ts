import type { Router } from 'express';
import type { CacheService } from '../cache/index.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
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
  /** /balance, its CSV and detail; mounted after the sign-in guard. */
  router: Router;
  close(): Promise<void>;
}

/** The balance service and its warm-up, run after each balance invalidation this instance applies (container.ts). */
export function createBalance(deps: {
  cache: CacheService;
  prisma: PrismaClient;
  ttlSeconds: number;
  logger: Logger;
  warmDelayMs?: number;
}): BalanceParts {
  const service = new BalanceService({ cache: deps.cache, prisma: deps.prisma, ttlSeconds: deps.ttlSeconds });
  const warmer = new BalanceWarmer({ warm: (tenantId) => service.warmBalance(tenantId), logger: deps.logger, delayMs: deps.warmDelayMs });
  const stopListening = deps.cache.onInvalidated('balance', (tenantId) => warmer.schedule(tenantId));
  return {
    service,
    warmer,
    router: balanceRouter({ balance: service }),
    close: () => {
      stopListening();
      return warmer.close();
    },
  };
}

// The date-range rules other reports share (the profit report): presets, limits, calendar buckets, labels.
export { PRESETS, PRESET_LABELS, presetOf, presetRange, type Preset } from './presets.ts';
export { rangeProblems, readableGranularity } from './balance.rules.ts';
export { bucketsOf, bucketStart, monthEnd, monthStart, type BucketSpan } from './buckets.ts';
export { bucketLabel, partialNote, updatedAtText } from './labels.ts';
export { queryString } from './balance.view.ts';
export { GRANULARITIES } from './balance.types.ts';
