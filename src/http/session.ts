import session, { type Store } from 'express-session';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.ts';
import './session-data.ts';

// Session cookie: HttpOnly, SameSite=Lax, path /, rolling idle timeout; in production also
// Secure and the `__Host-` name prefix (which browsers accept only with Secure, path / and
// no Domain). Behind a TLS-terminating proxy set TRUST_PROXY so `req.secure` is right.

export function sessionCookieName(config: Pick<Config, 'isProduction'>): string {
  return config.isProduction ? '__Host-stock.sid' : 'stock.sid';
}

export function sessionMiddleware(config: Config, store: Store): RequestHandler {
  return session({
    name: sessionCookieName(config),
    secret: config.session.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      path: '/',
      maxAge: config.session.idleTimeoutSeconds * 1000,
    },
  });
}

/** A new session id with an empty session (at sign-in: no fixation). */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/** Remove the session from every store; the cookie is cleared by the caller. */
export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}
