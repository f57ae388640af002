import type { Router } from 'express';
import type { Core } from '../core.ts';
import { ProfitService } from './profit.service.ts';
import { profitRouter } from './profit.router.ts';

// Profit and stock value: the daily profit summary (written by sales, returns and
// cancellations in their transactions), its check, and the report.
export { ProfitService } from './profit.service.ts';
export { addToProfitDays, profitDaysUpsert, profitRows, reversed, type ProfitLine, type ProfitRow } from './profit-days.ts';
export { expectedProfitSql, rebuildProfitSummary, verifyProfitSummary, type ProfitVerifyReport } from './verify.ts';
export type { ProfitQuery, ProfitSeries, ProfitTops, StockValue } from './profit.types.ts';

/** The report's service and pages (/profit and its CSVs), mounted after the sign-in guard. */
export function createProfit(core: Pick<Core, 'cache' | 'config'>): { profit: ProfitService; router: Router } {
  const profit = new ProfitService({ cache: core.cache, ttlSeconds: core.config.cache.ttl.profit });
  return { profit, router: profitRouter({ profit }) };
}
