import type { Router } from 'express';
import type { BalanceService } from '../balance/index.ts';
import { dashboardRouter } from './dashboard.router.ts';

/** The start page: today's own sales, low stock, recent sales and (for those who may) the month. */
export function createDashboard(parts: { balance: BalanceService }): { router: Router } {
  return { router: dashboardRouter(parts) };
}
