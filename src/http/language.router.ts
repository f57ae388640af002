import { Router, type Request, type Response } from 'express';
import { scopeOf } from './request-scope.ts';
import type { Scope } from '../db/scope.ts';
import { safeReturnTo } from './return-to.ts';
import { setFlash } from './flash.ts';
import { languageCookie, toLanguage } from '../i18n/index.ts';

// The language switch. Signed out: GET /language?lang=es&back=/login keeps the choice in a
// cookie (it changes nothing stored, so it needs no form token). Signed in: POST
// /account/language saves it on the user (blank: the business's language), token-checked.

const oneYearMs = 365 * 24 * 3600 * 1000;

/** Where to go after switching: the page the switch was on (the sign-in pages too), else the dashboard. */
function backTo(value: unknown): string {
  if (typeof value === 'string' && /^\/login(\/2fa)?(\?[^\\\s]*)?$/.test(value)) return value;
  return safeReturnTo(value);
}

function remember(res: Response, lng: string, secure: boolean): void {
  res.cookie(languageCookie, lng, { path: '/', maxAge: oneYearMs, httpOnly: true, sameSite: 'lax', secure });
}

export function publicLanguageRouter(deps: { config: { isProduction: boolean } }): Router {
  const router = Router();
  router.get('/language', (req, res) => {
    const lng = toLanguage(req.query.lang);
    if (lng) remember(res, lng, deps.config.isProduction);
    res.redirect(303, backTo(req.query.back));
  });
  return router;
}

export function accountLanguageRouter(deps: {
  config: { isProduction: boolean };
  /** Keeps the signed-in user's choice (the account service: it invalidates the guard's cached read). */
  account: { setLanguage(me: Scope, language: string | null): Promise<void> };
}): Router {
  const router = Router();
  router.get('/account/language', async (req, res) => {
    const me = scopeOf(req);
    const user = await me.db.user.findUnique({ where: { id: me.userId }, select: { language: true } });
    res.render('auth/language', { title: req.t('Language'), chosen: user?.language ?? '' });
  });
  router.post('/account/language', async (req: Request, res) => {
    const me = scopeOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lng = toLanguage(body.lang);
    // Blank is "the business's language"; anything else unknown changes nothing.
    if (lng || body.lang === '') {
      await deps.account.setLanguage(me, lng);
      if (lng) {
        remember(res, lng, deps.config.isProduction);
        await req.i18n.changeLanguage(lng);
      }
      setFlash(req, 'success', req.t('Language saved.'));
    }
    res.redirect(303, backTo(body.back));
  });
  return router;
}
