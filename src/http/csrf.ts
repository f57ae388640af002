import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { ForbiddenError } from '../errors.ts';
import type { LoginFormToken } from './login-csrf.ts';

// Every state-changing request (POST, PUT, PATCH, DELETE) must
//  1. come from this site: Sec-Fetch-Site `same-origin` (or `none`: typed by the user), or,
//     from browsers that do not send it, an Origin equal to ours; and
//  2. carry the session's synchronizer token (csrf-sync) in the `_csrf` form field or the
//     `X-CSRF-Token` header.
// Otherwise 403 before any router runs, so nothing is written. Views get the token as
// `csrfToken`; it is made (and the session saved) only when a page is rendered for a
// signed-in (or half signed-in) session.
// The sign-in form is the exception: its visitors have no session, so its token is a
// signed cookie (src/http/login-csrf.ts) and POST /login is checked against that instead.

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const message = 'This form has expired or did not come from this site. Go back, reload the page and try again.';

const { generateToken, isRequestValid } = csrfSync({
  size: 32,
  getTokenFromRequest: (req) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === 'string') return fromBody;
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
});

export function isSameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser that tells; the token decides
  return origin === `${req.protocol}://${req.get('host')}`;
}

export function csrfProtection(loginForm: LoginFormToken): RequestHandler {
  return (req, res, next) => {
    // Read by every render (Express copies the locals), so a stranger's page must not make
    // one: that would store a session for every anonymous visit.
    const hasSession = () => Boolean(req.session?.userId || req.session?.pending2fa);
    Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, configurable: true, get: () => (hasSession() ? generateToken(req) : undefined) });
    if (!unsafe.has(req.method)) return next();
    const tokenOk = req.path === '/login' ? loginForm.isValid(req) : Boolean(req.session) && isRequestValid(req);
    if (!isSameOrigin(req) || !tokenOk) {
      req.log?.warn({ reason: isSameOrigin(req) ? 'token' : 'origin' }, 'csrf check failed');
      throw new ForbiddenError(message);
    }
    next();
  };
}

/** A fresh token after sign-in (the session id changed, so the old token goes too). */
export function rotateCsrfToken(req: Request): void {
  generateToken(req, true);
}
