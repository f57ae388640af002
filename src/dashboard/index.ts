import type { Router } from 'express';
import type { BalanceService } from '../balance/index.ts';
import type { CacheService } from '../cache/index.ts';
import { dashboardRouter } from './dashboard.router.ts';
import { DashboardService } from './dashboard.service.ts';

export { DASHBOARD_PAGE_MODULES } from './dashboard.service.ts';

/** The start page: today's own sales, low stock, recent sales and (for those who may) the month. */
export function createDashboard(parts: { balance: BalanceService; cache: CacheService; ttlSeconds: number }): { router: Router } {
  const dashboard = new DashboardService({ cache: parts.cache, ttlSeconds: parts.ttlSeconds });
  return { router: dashboardRouter({ balance: parts.balance, dashboard }) };
}
