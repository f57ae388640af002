import { Router } from 'express';
import { z } from 'zod';
import { setFlash } from '../http/flash.ts';
import { scopeOf } from '../http/request-scope.ts';
import type { AlertsService } from './alerts.service.ts';

// /account/alerts: an owner or manager asks for (or stops) the daily low-stock e-mail.

const AlertsSchema = z.object({ lowStockDigest: z.enum(['on']).optional() });

export function alertsRouter(deps: { alerts: AlertsService; mailEnabled: boolean; hour: number }): Router {
  const { alerts } = deps;
  const router = Router();
  router.get('/account/alerts', async (req, res) => {
    res.render('account/alerts', {
      title: 'E-mail alerts',
      lowStockDigest: await alerts.lowStockDigestChoice(scopeOf(req)),
      mailEnabled: deps.mailEnabled,
      hour: deps.hour,
    });
  });
  router.post('/account/alerts', async (req, res) => {
    const parsed = AlertsSchema.safeParse(req.body);
    const on = parsed.success && parsed.data.lowStockDigest === 'on';
    await alerts.setLowStockDigest(scopeOf(req), on);
    setFlash(req, 'success', on ? 'You will get the low-stock e-mail once a day.' : 'You will not get the low-stock e-mail.');
    res.redirect(303, '/account/alerts');
  });
  return router;
}
