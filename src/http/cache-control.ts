import type { RequestHandler, Response } from 'express';
import onHeaders from 'on-headers';

// Cache-Control of everything the app builds per request (static files keep their own, set
// where they are served):
//  - HTML pages: `private, no-cache`. Only the browser may keep a copy, and it asks again
//    before showing it (a shared proxy never serves one person's page to another; Back after
//    signing out does not show the page from memory without the server saying so).
//  - Anything else (CSV downloads, JSON): `no-store`. It is business data, and a browser
//    would otherwise keep it on disk.
//  - Pages that show a secret (a temporary password, a two-factor secret or recovery codes, a
//    receipt): `no-store`, through `noStore(res)` in their router.

const PRIVATE = 'private, no-cache';
const NO_STORE = 'no-store';

export const cacheControl: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', PRIVATE);
  onHeaders(res, function () {
    const type = this.getHeader('Content-Type');
    // A 304 has no Content-Type: it keeps what the page had.
    if (type !== undefined && !/^text\/html\b/i.test(String(type))) this.setHeader('Cache-Control', NO_STORE);
  });
  next();
};

export function noStore(res: Response): void {
  res.setHeader('Cache-Control', NO_STORE);
}

/** Middleware form, for a router whose every page shows a secret. */
export const noStorePages: RequestHandler = (_req, res, next) => {
  noStore(res);
  next();
};
