import type { Request, RequestHandler } from 'express';

// One-time messages across a redirect (post/redirect/get): set in the session by the POST,
// shown by the next page as `flash` ({ kind, message }) and gone after that.

export interface FlashMessage {
  kind: 'success' | 'error' | 'info';
  message: string;
}

export function setFlash(req: Request, kind: FlashMessage['kind'], message: string): void {
  req.session.flash = { kind, message };
}

/**
 * Offers a waiting flash message as res.locals.flash on the next GET, and takes it from the
 * session only when a page is rendered: a GET that just redirects (to sign in, to change a
 * temporary password, to set up two-factor sign-in) hands it on to the page it leads to.
 */
export const flashLocals: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' && req.session?.flash) {
    let taken: FlashMessage | undefined;
    Object.defineProperty(res.locals, 'flash', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!taken && req.session?.flash) {
          taken = req.session.flash;
          delete req.session.flash;
        }
        return taken;
      },
    });
  }
  next();
};
