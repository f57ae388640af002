import { Router } from 'express';
import { can } from '../auth/index.ts';
import type { BalanceService } from '../balance/index.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { scopeOf } from '../http/request-scope.ts';
import { tenantOf } from '../http/view-locals.ts';
import { localDay } from '../time.ts';
import type { DashboardService } from './dashboard.service.ts';

// GET /: for roles that may see the business's balance, this month's sales, payments and
// open balance (the balance service, cached and invalidated after each sale, cancellation and
// payment commits) and the last 10 sales; for the others, their own sales today and their
// last 10 sales. Everyone sees the low-stock products. All but the month come from the
// dashboard service's cached reads.
export function dashboardRouter(deps: { balance: BalanceService; dashboard: DashboardService }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const scope = scopeOf(req);
    const { timeZone } = tenantOf(res);
    const today = localDay(new Date(), timeZone);
    const seesBalance = can(scope, 'balance.see');
    const [month, mine, lowStock, sales] = await Promise.all([
      seesBalance
        ? deps.balance.getBalanceSeries(scope, { from: `${today.slice(0, 8)}01`, to: today, granularity: 'month', customer: 'all' })
        : undefined,
      seesBalance ? undefined : deps.dashboard.ownSalesOfDay(scope, today, timeZone),
      deps.dashboard.lowStockProducts(scope),
      deps.dashboard.recentSales(scope, 10, seesBalance ? undefined : scope.userId),
    ]);
    setCacheStatus(res, ...[month, mine, lowStock, sales].flatMap((read) => (read ? [read.status] : [])));
    res.render('dashboard/index', {
      title: 'Dashboard',
      month: month?.value,
      mine: mine?.value,
      monthLabel: today.slice(0, 7),
      today,
      lowStock: lowStock.value,
      sales: sales.value,
    });
  });
  return router;
}
