import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Dependencies } from '../container.ts';
import { setFlash } from '../http/flash.ts';
import { scopeOf } from '../http/request-scope.ts';
import { cacheOverview, clearCacheModule, warmCache } from './cache-admin.ts';
import { cacheModules } from './cache-warm.ts';

const ClearSchema = z.object({ module: z.enum(cacheModules, { error: `Choose a module: ${cacheModules.join(', ')}` }) });

/** /admin/cache (owners; src/admin/cache-admin.ts refuses the others): counters since start, this tenant's keys, Redis facts, clear and warm. */
export function adminCacheRouter(deps: Dependencies): Router {
  const router = Router();

  async function render(req: Request, res: Response, status = 200, error?: string) {
    const overview = await cacheOverview(deps, scopeOf(req));
    res.status(status).render('admin/cache', { title: 'Cache', ...overview, modules: cacheModules, error });
  }

  router.get('/admin/cache', (req, res) => render(req, res));

  router.post('/admin/cache/clear', async (req, res) => {
    const parsed = ClearSchema.safeParse(req.body);
    if (!parsed.success) return render(req, res, 422, parsed.error.issues[0]!.message);
    const { module } = parsed.data;
    const removed = await clearCacheModule(deps, scopeOf(req), module);
    setFlash(req, 'success', `Cleared the ${module} cache of this business (${removed} ${removed === 1 ? 'key' : 'keys'} removed). The next page loads from the database.`);
    res.redirect(303, '/admin/cache');
  });

  router.post('/admin/cache/warm', async (req, res) => {
    const warmed = await warmCache(deps, scopeOf(req));
    setFlash(req, 'success', `Warmed ${warmed.join('; ')}.`);
    res.redirect(303, '/admin/cache');
  });
  return router;
}
