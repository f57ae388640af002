import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { ForbiddenError } from '../db/errors.ts';
import type { LoginFormToken } from './login-csrf.ts';

// Every state-changing request (POST, PUT, PATCH, DELETE) must
//  1. come from this site: Sec-Fetch-Site `same-origin` (or `none`: typed by the user), or,
//     from browsers that do not send it, an Origin equal to ours; and
//  2. carry the session's synchronizer token (csrf-sync) in the `_csrf` form field or the
//     `X-CSRF-Token` header.
// Otherwise 403 before any router runs, so nothing is written. (An upload's token is checked
// by its route once the body is read, after guards that write nothing: upload-body.ts.)
// Views get the token as `csrfToken`; it is made (and the session saved) only when a page is
// rendered for a signed-in (or half signed-in) session.
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

/** Forms strangers post (sign-in, forgot password, a one-time link's password): the cookie-signed token. */
function isPublicForm(path: string): boolean {
  return path === '/login' || path === '/password/forgot' || /^\/(?:invitation|password\/reset)\/[^/]+$/.test(path);
}

export function csrfProtection(loginForm: LoginFormToken): RequestHandler {
  return (req, res, next) => {
    // Read by every render (Express copies the locals), so a stranger's page must not make
    // one: that would store a session for every anonymous visit.
    const hasSession = () => Boolean(req.session?.userId || req.session?.pending2fa);
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => (hasSession() ? generateToken(req) : undefined),
    });
    if (!unsafe.has(req.method)) return next();
    if (!isSameOrigin(req)) refuse(req, 'origin');
    if (isPublicForm(req.path)) {
      if (!loginForm.isValid(req)) refuse(req, 'token');
      return next();
    }
    if (!req.session) refuse(req, 'token');
    // An upload's token is in its body, read only after the sign-in and permission checks
    // (src/http/upload-body.ts), which then call checkCsrfToken.
    if (!req.uploadPending && !isRequestValid(req)) refuse(req, 'token');
    next();
  };
}

/** The token check alone, for an upload once its body has been read. */
export const checkCsrfToken: RequestHandler = (req, _res, next) => {
  if (!req.session || !isRequestValid(req)) refuse(req, 'token');
  next();
};

function refuse(req: Request, reason: 'origin' | 'token'): never {
  req.log?.warn({ reason }, 'csrf check failed');
  throw new ForbiddenError(message);
}

/** A fresh token after sign-in (the session id changed, so the old token goes too). */
export function rotateCsrfToken(req: Request): void {
  generateToken(req, true);
}
