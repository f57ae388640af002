import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseInput } from '../db/input.ts';
import { formFailure } from '../http/form-errors.ts';
import { setFlash } from '../http/flash.ts';
import { scopeOf } from '../http/request-scope.ts';
import { cacheModuleKeys, cacheOverview, clearCacheModule, warmCache, type CacheAdminDeps } from './cache-admin.ts';
import { say } from '../i18n/index.ts';
import { cacheModules, isKnownModule, moduleLabels, type KnownModule } from './cache-warm.ts';

/** A part's name in the reader's language. */
const part = (module: KnownModule) => say(moduleLabels[module]);
const moduleMessage = () => say('Choose what to clear: {{parts}}', { parts: cacheModules.map(part).join(', ') });
const ModuleSchema = z.object({ module: z.enum(cacheModules, { error: moduleMessage }) });
const ClearSchema = ModuleSchema.extend({ confirm: z.literal('yes', { error: 'Nothing was cleared: press “Yes, clear” to confirm.' }) });

const copies = (n: number) => say('{{count}} saved copies', { count: n });

/**
 * /admin/cache, the "speed-up store" page (owners; src/admin/cache-admin.ts refuses the
 * others): how it is doing, counters since start, this business's saved copies; clearing a
 * part asks first (a confirmation page, no script needed); preparing the most used pages.
 */
export function adminCacheRouter(deps: CacheAdminDeps): Router {
  const router = Router();

  async function render(req: Request, res: Response, status = 200, error?: string) {
    const overview = await cacheOverview(deps, scopeOf(req));
    const labels = Object.fromEntries(cacheModules.map((m) => [m, part(m)]));
    res.status(status).render('admin/cache', { title: 'Speed-up store', ...overview, labels, error });
  }

  async function renderConfirm(req: Request, res: Response, module: KnownModule, status = 200, error?: string) {
    const keys = await cacheModuleKeys(deps, scopeOf(req), module);
    res.status(status).render('admin/cache-clear', {
      title: req.t('Clear {{part}}?', { part: part(module) }),
      module,
      label: part(module),
      copies: copies(keys),
      error,
    });
  }

  router.get('/admin/cache', (req, res) => render(req, res));

  router.get('/admin/cache/clear', async (req, res) => {
    let module;
    try {
      ({ module } = parseInput(ModuleSchema, { module: Array.isArray(req.query.module) ? req.query.module[0] : req.query.module }));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return render(req, res, failure.status, failure.errors.module);
    }
    return renderConfirm(req, res, module);
  });

  router.post('/admin/cache/clear', async (req, res) => {
    let module;
    try {
      ({ module } = parseInput(ClearSchema, req.body));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      const sent = (req.body as Record<string, unknown> | undefined)?.module;
      // A known part without the confirmation: ask again; anything else: the page with the message.
      if (isKnownModule(sent)) return renderConfirm(req, res, sent, failure.status, Object.values(failure.errors)[0]);
      return render(req, res, failure.status, moduleMessage());
    }
    const removed = await clearCacheModule(deps, scopeOf(req), module);
    setFlash(
      req,
      'success',
      req.t('Cleared {{part}} ({{copies}} removed). The next visit loads them fresh from the database.', {
        part: part(module),
        copies: copies(removed),
      }),
    );
    res.redirect(303, '/admin/cache');
  });

  router.post('/admin/cache/warm', async (req, res) => {
    const warmed = await warmCache(deps, scopeOf(req));
    const parts = warmed
      .map((w) => w.split(':')[0])
      .filter(isKnownModule)
      .map(part);
    setFlash(req, 'success', req.t('Prepared the most used pages: {{parts}}.', { parts: parts.join(', ') }));
    res.redirect(303, '/admin/cache');
  });
  return router;
}
