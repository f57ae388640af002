import { Router } from 'express';
import type { Dependencies } from '../container.ts';
import { setCacheStatus } from '../http/cache-header.ts';
import { scopeOf } from '../http/request-scope.ts';
import { tenantOf, tenantViewLocals } from '../sales/view-locals.ts';
import { localDay } from '../time.ts';
import { lowStockProducts, recentSales } from './dashboard.service.ts';

// GET /: this month's sales, payments and open balance (the balance service, cached and
// invalidated after each sale, cancellation and payment commits), low-stock products and
// the last 10 sales.
export function dashboardRouter(deps: Pick<Dependencies, 'balance'>): Router {
  const router = Router();
  router.get('/', tenantViewLocals, async (req, res) => {
    const scope = scopeOf(req);
    const today = localDay(new Date(), tenantOf(res).timeZone);
    const [month, lowStock, sales] = await Promise.all([
      deps.balance.getBalanceSeries(scope, { from: `${today.slice(0, 8)}01`, to: today, granularity: 'month', customer: 'all' }),
      lowStockProducts(scope.db),
      recentSales(scope.db),
    ]);
    setCacheStatus(res, month.status);
    res.render('dashboard/index', { title: 'Dashboard', month: month.value, monthLabel: today.slice(0, 7), lowStock, sales });
  });
  return router;
}
