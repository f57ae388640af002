import { Router, type Request, type Response } from 'express';
import type { Dependencies } from '../container.ts';
import { fieldErrors } from '../http/validation.ts';
import { rotateCsrfToken } from '../http/csrf.ts';
import { destroySession, regenerateSession, saveSession, sessionCookieName } from '../http/session.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { setFlash } from '../http/flash.ts';
import type { SignInAccount } from './auth.service.ts';
import { LoginSchema, SecondFactorSchema } from './auth.schema.ts';

// Public sign-in routes: GET/POST /login, GET/POST /login/2fa, POST /logout.

const GENERIC_FAILURE = 'Email or password is incorrect.';
const PENDING_2FA_MS = 5 * 60 * 1000;

export function authRouter(deps: Dependencies): Router {
  const { auth, loginThrottle } = deps;
  const router = Router();
  const cookieName = sessionCookieName(deps.config);

  async function completeSignIn(req: Request, res: Response, account: SignInAccount, returnTo: string): Promise<void> {
    await regenerateSession(req);
    Object.assign(req.session, { userId: account.id, tenantId: account.tenantId, authAt: Date.now(), pwdAt: account.passwordChangedAt.getTime() });
    rotateCsrfToken(req);
    await saveSession(req);
    await loginThrottle.succeeded(req.ip ?? '', account.email);
    await auth.recordSignIn(account.tenantId, account.id);
    req.log?.info({ userId: account.id, tenantId: account.tenantId }, 'signed in');
    res.redirect(303, returnTo);
  }

  router.get('/login', (req, res) => {
    if (req.session?.userId) return res.redirect(303, '/');
    res.render('auth/login', { returnTo: safeReturnTo(req.query.returnTo), values: {}, signedOut: req.query.signedOut === '1' });
  });

  router.post('/login', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    const parsed = LoginSchema.safeParse(req.body);
    const values = { email: typeof req.body?.email === 'string' ? req.body.email : '' };
    if (!parsed.success) return res.status(422).render('auth/login', { returnTo, values, errors: fieldErrors(parsed.error) });
    const { email, password } = parsed.data;
    const ip = req.ip ?? '';
    await loginThrottle.check(ip, email);
    const account = await auth.checkPassword(email, password);
    if (!account) {
      await loginThrottle.failed(ip, email);
      req.log?.info('sign-in refused');
      return res.status(401).render('auth/login', { returnTo, values, error: GENERIC_FAILURE });
    }
    if (!account.totpEnabled) return completeSignIn(req, res, account, returnTo);
    // Password right; the second factor decides. A fresh session id already, so the
    // half-signed-in state cannot be planted from outside.
    await regenerateSession(req);
    req.session.pending2fa = { userId: account.id, at: Date.now(), returnTo, email: account.email };
    req.session.tenantId = account.tenantId;
    res.redirect(303, '/login/2fa');
  });

  function pending(req: Request) {
    const p = req.session?.pending2fa;
    return p && Date.now() - p.at < PENDING_2FA_MS && req.session.tenantId ? { ...p, tenantId: req.session.tenantId } : null;
  }

  router.get('/login/2fa', (req, res) => {
    if (!pending(req)) return res.redirect(303, '/login');
    res.render('auth/login-2fa', { values: {} });
  });

  router.post('/login/2fa', async (req, res) => {
    const p = pending(req);
    if (!p) {
      setFlash(req, 'info', 'That took too long; please sign in again.');
      return res.redirect(303, '/login');
    }
    const parsed = SecondFactorSchema.safeParse(req.body);
    if (!parsed.success) return res.status(422).render('auth/login-2fa', { values: {}, errors: fieldErrors(parsed.error) });
    const ip = req.ip ?? '';
    await loginThrottle.check(ip, p.email);
    if (!(await auth.checkSecondFactor(p.tenantId, p.userId, parsed.data.code))) {
      await loginThrottle.failed(ip, p.email);
      return res.status(401).render('auth/login-2fa', { values: {}, error: 'That code is not right. Try the current code from your app, or a recovery code.' });
    }
    const user = await auth.sessionUser(p.tenantId, p.userId);
    if (!user?.active) return res.redirect(303, '/login');
    await completeSignIn(req, res, { id: user.id, tenantId: p.tenantId, email: user.email, passwordChangedAt: user.passwordChangedAt, totpEnabled: true }, p.returnTo);
  });

  router.post('/logout', async (req, res) => {
    if (req.session) await destroySession(req);
    res.clearCookie(cookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.isProduction });
    res.redirect(303, '/login?signedOut=1');
  });

  return router;
}
