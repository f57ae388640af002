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

/** Moves a waiting flash message into res.locals.flash on the next GET. */
export const flashLocals: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' && req.session?.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
};
