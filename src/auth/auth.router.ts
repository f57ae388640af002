import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.ts';
import { parseInput } from '../db/input.ts';
import { formFailure, formLocals } from '../http/form-errors.ts';
import { rotateCsrfToken } from '../http/csrf.ts';
import { destroySession, regenerateSession, saveSession, sessionCookieName } from '../http/session.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { setFlash } from '../http/flash.ts';
import type { LoginFormToken } from '../http/login-csrf.ts';
import type { AuthService, SignInAccount } from './auth.service.ts';
import { LoginSchema, SecondFactorSchema } from './auth.schema.ts';

// Public sign-in routes: GET/POST /login, GET/POST /login/2fa, POST /logout. A visitor
// gets no session until the password is right (the form's CSRF token is a signed cookie);
// the sign-in limits are applied by AuthService around each check.

const GENERIC_FAILURE = 'Email or password is incorrect.';
const PENDING_2FA_MS = 5 * 60 * 1000;

export function authRouter(deps: { auth: AuthService; config: Config }, loginForm: LoginFormToken): Router {
  const { auth } = deps;
  const router = Router();
  const cookieName = sessionCookieName(deps.config);

  async function completeSignIn(req: Request, res: Response, account: SignInAccount, returnTo: string): Promise<void> {
    await regenerateSession(req);
    Object.assign(req.session, {
      userId: account.id,
      tenantId: account.tenantId,
      authAt: Date.now(),
      pwdAt: account.passwordChangedAt.getTime(),
    });
    rotateCsrfToken(req);
    await saveSession(req);
    loginForm.clear(res);
    await auth.recordSignIn(account.tenantId, account.id);
    req.log?.info({ userId: account.id, tenantId: account.tenantId }, 'signed in');
    res.redirect(303, returnTo);
  }

  router.get('/login', (req, res) => {
    if (req.session?.userId) return res.redirect(303, '/');
    res.render('auth/login', {
      csrfToken: loginForm.issue(req, res),
      returnTo: safeReturnTo(req.query.returnTo),
      values: {},
      signedOut: req.query.signedOut === '1',
      passwordSet: req.query.passwordSet === '1',
    });
  });

  router.post('/login', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    const values = { email: typeof req.body?.email === 'string' ? req.body.email : '' };
    const csrfToken = loginForm.issue(req, res);
    let form;
    try {
      form = parseInput(LoginSchema, req.body);
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return res.status(failure.status).render('auth/login', { csrfToken, returnTo, values, ...formLocals(failure) });
    }
    const { email, password } = form;
    const account = await auth.checkPassword(email, password, req.ip ?? '');
    if (!account) {
      req.log?.info('sign-in refused');
      return res.status(401).render('auth/login', { csrfToken, returnTo, values, error: GENERIC_FAILURE });
    }
    if (!account.totpEnabled) return completeSignIn(req, res, account, returnTo);
    // Password right; the second factor decides. A fresh session id already, so the
    // half-signed-in state cannot be planted from outside.
    await regenerateSession(req);
    req.session.pending2fa = { userId: account.id, at: Date.now(), returnTo };
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
    let code;
    try {
      ({ code } = parseInput(SecondFactorSchema, req.body));
    } catch (error) {
      const failure = formFailure(error);
      if (!failure) throw error;
      return res.status(failure.status).render('auth/login-2fa', { values: {}, ...formLocals(failure) });
    }
    if (!(await auth.checkSecondFactor(p.tenantId, p.userId, code, req.ip ?? ''))) {
      return res
        .status(401)
        .render('auth/login-2fa', { values: {}, error: 'That code is not right. Try the current code from your app, or a recovery code.' });
    }
    const user = await auth.sessionUser(p.tenantId, p.userId);
    if (!user?.active) return res.redirect(303, '/login');
    await completeSignIn(
      req,
      res,
      { id: user.id, tenantId: p.tenantId, email: user.email, passwordChangedAt: new Date(user.passwordChangedAt), totpEnabled: true },
      p.returnTo,
    );
  });

  router.post('/logout', async (req, res) => {
    if (req.session) await destroySession(req);
    res.clearCookie(cookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.isProduction });
    res.redirect(303, '/login?signedOut=1');
  });

  return router;
}
