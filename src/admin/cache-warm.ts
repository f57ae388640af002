import type { CacheService } from '../cache/index.ts';
import type { SettingsServices } from '../settings/index.ts';
import type { BalanceService } from '../balance/index.ts';
import type { TenantDb } from '../db/tenant-scope.ts';

export interface WarmDeps {
  cache: CacheService;
  settings: Pick<SettingsServices, 'uoms' | 'categories'>;
  balance: BalanceService;
  tenantDb(tenantId: number): TenantDb;
}

/** The hot keys of a tenant: unit and category lookups, and the current month's balance. */
export async function warmTenantCache(deps: WarmDeps, tenantId: number): Promise<string[]> {
  // Lookups read as the business itself: no user's limits apply to filling its cache.
  const ctx = { tenantId, role: 'owner' as const, db: deps.tenantDb(tenantId) };
  await Promise.all([deps.settings.uoms.list(ctx), deps.settings.categories.tree(ctx), deps.balance.warmBalance(tenantId)]);
  return ['uom: all units', 'categories: tree', "balance: this month's series and facts"];
}

export const cacheModules = ['balance', 'products', 'categories', 'uom'] as const;
export type KnownModule = (typeof cacheModules)[number];
/** What an owner calls each part on the speed-up store page. */
export const moduleLabels: Record<KnownModule, string> = {
  balance: 'Balance figures',
  products: 'Product list',
  categories: 'Categories',
  uom: 'Units',
};
export const isKnownModule = (m: unknown): m is KnownModule => typeof m === 'string' && (cacheModules as readonly string[]).includes(m);
