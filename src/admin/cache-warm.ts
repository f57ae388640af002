import { type CacheService, CACHE_MODULES, type CacheModule } from '../cache/index.ts';
import type { SettingsServices } from '../settings/index.ts';
import type { BalanceService } from '../balance/index.ts';
import type { ProfitService } from '../profit/index.ts';
import { presetRange } from '../balance/index.ts';
import type { Scope } from '../db/scope.ts';

export interface WarmDeps {
  cache: CacheService;
  settings: Pick<SettingsServices, 'uoms' | 'categories'>;
  balance: BalanceService;
  profit: ProfitService;
}

/** The hot keys of a tenant: unit and category lookups, the current month's balance and profit, the stock value now. */
export async function warmTenantCache(deps: WarmDeps, scope: Scope): Promise<string[]> {
  const warmProfit = async () => {
    const { timeZone } = (await deps.profit.facts(scope)).value;
    const month = { ...presetRange('this-month', deps.profit.today(timeZone)), granularity: 'day' as const };
    await Promise.all([
      deps.profit.series(scope, month),
      deps.profit.tops(scope, month.from, month.to),
      deps.profit.stockValue(scope, null, timeZone),
    ]);
  };
  await Promise.all([
    deps.settings.uoms.list(scope),
    deps.settings.categories.tree(scope),
    deps.balance.warmBalance(scope.tenantId),
    warmProfit(),
  ]);
  return [
    'uom: all units',
    'categories: tree',
    "balance: this month's series and facts",
    "profit: this month's figures and the stock value",
  ];
}

export const cacheModules = CACHE_MODULES;
export type KnownModule = CacheModule;
/** What an owner calls each part on the speed-up store page. */
export const moduleLabels: Record<KnownModule, string> = {
  balance: 'Balance figures',
  products: 'Product list',
  categories: 'Categories',
  uom: 'Units',
  profit: 'Profit and stock value',
  viewer: 'Signed-in users and the business',
  dashboard: 'Start page figures',
  'sales-list': 'Sales list',
  'payments-list': 'Payments list',
  customers: 'Customers, their lists and statements',
};
export const isKnownModule = (m: unknown): m is KnownModule => typeof m === 'string' && (cacheModules as readonly string[]).includes(m);
