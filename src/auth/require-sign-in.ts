import { can, type Action } from './permissions.ts';
import type { Request, RequestHandler, Response } from 'express';
import type { AuthService } from './auth.service.ts';
import type { Viewer } from './viewer.ts';
import { destroySession } from '../http/session.ts';
import { loginUrl, safeReturnTo } from '../http/return-to.ts';
import type { Scopes } from '../db/scope.ts';
import { useLanguage } from '../i18n/index.ts';
import { showTenant } from '../http/view-locals.ts';

// The sign-in guard: everything mounted after it needs a signed-in user. It reads the
// user and the business on every request (role, active flag, name are never trusted from
// the session; the read is cached and invalidated after each commit that changes them), ends the session when the user was deactivated, changed password
// elsewhere or passed the absolute limit, and builds `req.scope` and the view locals.
// Users who must change their password or enrol in two-factor sign-in are sent there first.

export interface SignInGuardDeps {
  auth: AuthService;
  scopeFor: Scopes['scopeFor'];
  absoluteTimeoutSeconds: number;
  cookieName: string;
}

const passwordPaths = ['/account/password'];
const twoFactorPaths = ['/account/2fa', '/account/password'];

function allowed(path: string, prefixes: string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

function toLogin(req: Request, res: Response): void {
  const target = req.method === 'GET' || req.method === 'HEAD' ? loginUrl(safeReturnTo(req.originalUrl)) : '/login';
  res.redirect(303, target);
}

type Validity = { user: Viewer } | { user: null; ended: boolean };

/** The session's user while the session is still good; `ended` when it had one and no longer holds. */
async function sessionState(req: Request, deps: Pick<SignInGuardDeps, 'auth' | 'absoluteTimeoutSeconds'>): Promise<Validity> {
  const session = req.session;
  if (!session?.userId || !session.tenantId) return { user: null, ended: false };
  const user = await deps.auth.sessionUser(session.tenantId, session.userId);
  const expired = Date.now() - (session.authAt ?? 0) > deps.absoluteTimeoutSeconds * 1000;
  if (!user || !user.active || user.passwordChangedAt > (session.pwdAt ?? 0) || expired) return { user: null, ended: true };
  return { user };
}

/** The signed-in user of a request outside the guard (public routes that show more to some), or null. */
export async function signedInUser(req: Request, deps: Pick<SignInGuardDeps, 'auth' | 'absoluteTimeoutSeconds'>): Promise<Viewer | null> {
  return (await sessionState(req, deps)).user;
}

export function requireSignIn(deps: SignInGuardDeps): RequestHandler {
  return async (req, res, next) => {
    const state = await sessionState(req, deps);
    if (state.user === null) {
      if (state.ended) {
        await destroySession(req);
        res.clearCookie(deps.cookieName, { path: '/' });
      }
      return toLogin(req, res);
    }
    const { user } = state;
    const tenantId = req.session.tenantId!;
    const scope = deps.scopeFor({ tenantId, userId: user.id, role: user.role, readAfter: req.session.commitLsn });
    req.scope = scope;
    res.locals.currentUser = { email: user.email, role: user.role, name: user.name };
    // Views hide what the role may not do; the services refuse it either way.
    res.locals.can = (action: Action) => can(scope, action);
    res.locals.tenantName = user.tenant.name;
    showTenant(res, user.tenant);
    await useLanguage(req, res, [user.language, user.tenant.language]);
    if (user.mustChangePassword && !allowed(req.path, passwordPaths)) return res.redirect(303, '/account/password');
    if (user.tenant.require2fa && !user.totpEnabled && !allowed(req.path, twoFactorPaths)) return res.redirect(303, '/account/2fa');
    next();
  };
}
