import type { Router } from 'express';
import { adminCacheRouter } from './cache.router.ts';
import type { CacheAdminDeps } from './cache-admin.ts';

export { seedDemoOnFirstStart, demoOwnerEmail } from './first-start.ts';
export { seedDemoData } from './demo-seed.service.ts';
export { cacheModules, isKnownModule, moduleLabels, warmTenantCache, type KnownModule } from './cache-warm.ts';

/** The owners' cache page (/admin/cache); the demo seed and cache warm-up for the command line. */
export function createAdmin(deps: CacheAdminDeps): { router: Router } {
  return { router: adminCacheRouter(deps) };
}
