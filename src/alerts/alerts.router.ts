import { Router } from 'express';
import { z } from 'zod';
import type { Dependencies } from '../container.ts';
import { ForbiddenError } from '../errors.ts';
import { setFlash } from '../http/flash.ts';
import { scopeOf, type RequestScope } from '../http/request-scope.ts';

// /account/alerts: an owner or manager asks for (or stops) the daily low-stock e-mail.

type Me = Pick<RequestScope, 'userId' | 'role' | 'db'>;
const MAY_RECEIVE = new Set(['owner', 'manager']);
const FORBIDDEN = 'The low-stock e-mail is for owners and managers.';

const AlertsSchema = z.object({ lowStockDigest: z.enum(['on']).optional() });

export async function lowStockDigestChoice(me: Me): Promise<boolean> {
  if (!MAY_RECEIVE.has(me.role)) throw new ForbiddenError(FORBIDDEN);
  const user = await me.db.user.findUniqueOrThrow({ where: { id: me.userId }, select: { lowStockDigest: true } });
  return user.lowStockDigest;
}

export async function setLowStockDigest(me: Me, on: boolean): Promise<void> {
  if (!MAY_RECEIVE.has(me.role)) throw new ForbiddenError(FORBIDDEN);
  await me.db.user.update({ where: { id: me.userId }, data: { lowStockDigest: on }, select: { id: true } });
}

export function alertsRouter(deps: Dependencies): Router {
  const router = Router();
  router.get('/account/alerts', async (req, res) => {
    const me = scopeOf(req);
    res.render('account/alerts', {
      title: 'E-mail alerts',
      lowStockDigest: await lowStockDigestChoice(me),
      mailEnabled: deps.mailer.enabled,
      hour: deps.config.lowStockDigest.hour,
    });
  });
  router.post('/account/alerts', async (req, res) => {
    const parsed = AlertsSchema.safeParse(req.body);
    const on = parsed.success && parsed.data.lowStockDigest === 'on';
    await setLowStockDigest(scopeOf(req), on);
    setFlash(req, 'success', on ? 'You will get the low-stock e-mail once a day.' : 'You will not get the low-stock e-mail.');
    res.redirect(303, '/account/alerts');
  });
  return router;
}
