import { type CacheService, CACHE_MODULES, type CacheModule } from '../cache/index.ts';
import type { SettingsServices } from '../settings/index.ts';
import type { BalanceService } from '../balance/index.ts';
import type { Scope } from '../db/scope.ts';

export interface WarmDeps {
  cache: CacheService;
  settings: Pick<SettingsServices, 'uoms' | 'categories'>;
  balance: BalanceService;
}

/** The hot keys of a tenant: unit and category lookups, and the current month's balance. */
export async function warmTenantCache(deps: WarmDeps, scope: Scope): Promise<string[]> {
  await Promise.all([deps.settings.uoms.list(scope), deps.settings.categories.tree(scope), deps.balance.warmBalance(scope.tenantId)]);
  return ['uom: all units', 'categories: tree', "balance: this month's series and facts"];
}

export const cacheModules = CACHE_MODULES;
export type KnownModule = CacheModule;
/** What an owner calls each part on the speed-up store page. */
export const moduleLabels: Record<KnownModule, string> = {
  balance: 'Balance figures',
  products: 'Product list',
  categories: 'Categories',
  uom: 'Units',
};
export const isKnownModule = (m: unknown): m is KnownModule => typeof m === 'string' && (cacheModules as readonly string[]).includes(m);
