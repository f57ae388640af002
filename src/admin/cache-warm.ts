import { CACHE_MODULES, type CacheModule, type CacheService } from '../cache/index.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { BalanceService } from '../balance/index.ts';
import type { TenantDb } from '../db/tenant-scope.ts';

export interface WarmDeps {
  cache: CacheService;
  catalog: CatalogServices;
  balance: BalanceService;
  tenantDb(tenantId: number): TenantDb;
}

/** The hot keys of a tenant: unit and category lookups, and the current month's balance. */
export async function warmTenantCache(deps: WarmDeps, tenantId: number): Promise<string[]> {
  // Lookups read as the business itself: no user's limits apply to filling its cache.
  const ctx = { tenantId, role: 'owner' as const, db: deps.tenantDb(tenantId) };
  await Promise.all([deps.catalog.uoms.list(ctx), deps.catalog.categories.tree(ctx), deps.balance.warmBalance(tenantId)]);
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
