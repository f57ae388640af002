import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';

// The sign-in form's CSRF token, without a session (strangers get none: a session is made
// only at sign-in). The signed double-submit pattern of csrf-csrf: a random nonce and its
// HMAC under SESSION_SECRET, set as an HttpOnly, SameSite=Strict cookie (`__Host-` and
// Secure in production, so a sibling subdomain cannot plant one) and repeated in the form;
// a POST /login is accepted only when the form's token equals the cookie and its HMAC is
// ours. Same-origin headers are checked too, as for every other form (src/http/csrf.ts).

const MAX_AGE_MS = 2 * 3600 * 1000;

export class LoginFormToken {
  readonly cookieName: string;

  constructor(private readonly config: Pick<Config, 'isProduction' | 'session'>) {
    this.cookieName = config.isProduction ? '__Host-stock.login' : 'stock.login';
  }

  /** The token for a sign-in form: the browser's own when it still holds a good one, else a new one. */
  issue(req: Request, res: Response): string {
    const held = this.fromCookie(req);
    if (held && this.signedByUs(held)) return held;
    const nonce = randomBytes(18).toString('base64url');
    const token = `${nonce}.${this.mac(nonce)}`;
    res.cookie(this.cookieName, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.isProduction,
      path: '/',
      maxAge: MAX_AGE_MS,
    });
    return token;
  }

  /** The form's `_csrf` (or the X-CSRF-Token header) equals the cookie, and the cookie is signed by us. */
  isValid(req: Request): boolean {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    const sent = typeof fromBody === 'string' ? fromBody : req.headers['x-csrf-token'];
    const held = this.fromCookie(req);
    if (typeof sent !== 'string' || !held || sent.length !== held.length) return false;
    return timingSafeEqual(Buffer.from(sent), Buffer.from(held)) && this.signedByUs(held);
  }

  /** Signed in: the form's cookie has done its job. */
  clear(res: Response): void {
    res.clearCookie(this.cookieName, { httpOnly: true, sameSite: 'strict', secure: this.config.isProduction, path: '/' });
  }

  private signedByUs(token: string): boolean {
    const [nonce, mac, ...rest] = token.split('.');
    if (!nonce || !mac || rest.length) return false;
    const expected = Buffer.from(this.mac(nonce));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(nonce: string): string {
    return createHmac('sha256', this.config.session.secret).update(`login-form:${nonce}`).digest('base64url');
  }

  private fromCookie(req: Request): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName) {
        try {
          return decodeURIComponent(part.slice(eq + 1).trim());
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  }
}
