import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Dependencies } from '../container.ts';
import { setFlash } from '../http/flash.ts';
import { requireRole } from '../http/guards.ts';
import { scopeOf } from '../http/request-scope.ts';
import { cacheModules, warmTenantCache } from './cache-warm.ts';

const ClearSchema = z.object({ module: z.enum(cacheModules, { error: `Choose a module: ${cacheModules.join(', ')}` }) });

/** /admin/cache (owners): counters since start, this tenant's keys, Redis facts, clear and warm. */
export function adminCacheRouter(deps: Dependencies): Router {
  const router = Router();
  router.use('/admin', (req, _res, next) => {
    requireRole(req, 'owner');
    next();
  });

  async function render(req: Request, res: Response, status = 200, error?: string) {
    const { tenantId } = scopeOf(req);
    const [health, keyCounts, redis] = await Promise.all([deps.cache.health(), deps.cache.keyCounts(tenantId), deps.cache.redisInfo()]);
    const stats = deps.cache.stats();
    const rows = cacheModules.map((module) => {
      const m = stats.modules[module];
      const lookups = (m?.hits ?? 0) + (m?.misses ?? 0);
      return { module, hits: m?.hits ?? 0, misses: m?.misses ?? 0, stale: m?.stale ?? 0, errors: m?.errors ?? 0, invalidations: m?.invalidations ?? 0, hitRatio: lookups ? (m!.hits / lookups) * 100 : null, keys: keyCounts[module] ?? 0 };
    });
    res.status(status).render('admin/cache', { title: 'Cache', health, stats, redis, rows, modules: cacheModules, error });
  }

  router.get('/admin/cache', (req, res) => render(req, res));

  router.post('/admin/cache/clear', async (req, res) => {
    const parsed = ClearSchema.safeParse(req.body);
    if (!parsed.success) return render(req, res, 422, parsed.error.issues[0]!.message);
    const { tenantId } = scopeOf(req);
    const { module } = parsed.data;
    // The invalidation alone leaves the old values in Redis, unreadable, until their TTL runs
    // out (and in the key count). An owner's clear removes them first (a SCAN, as the key
    // count is), then invalidates, which also covers a value written in between.
    const removed = await deps.cache.deletePattern(tenantId, module, '*');
    await deps.cache.invalidateModule(tenantId, module);
    setFlash(req, 'success', `Cleared the ${module} cache of this business (${removed} ${removed === 1 ? 'key' : 'keys'} removed). The next page loads from the database.`);
    res.redirect(303, '/admin/cache');
  });

  router.post('/admin/cache/warm', async (req, res) => {
    const warmed = await warmTenantCache(deps, scopeOf(req).tenantId);
    setFlash(req, 'success', `Warmed ${warmed.join('; ')}.`);
    res.redirect(303, '/admin/cache');
  });
  return router;
}
