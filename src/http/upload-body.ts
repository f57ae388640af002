import express, { type RequestHandler } from 'express';
import { checkCsrfToken } from './csrf.ts';

// Large bodies (a pasted CSV of a few MB) are read only once the sender is known and allowed.
// `markUploads` flags a POST to an upload route before anything reads it; the app's general
// body parsers skip a flagged request, so it reaches the sign-in guard and the route's
// permission check with its body unread, and a stranger's or a staff member's upload is
// refused without being read. The route then reads it with `uploadBody` (its own size
// limit), and only then can the CSRF token inside be checked: csrf.ts checks the origin of a
// flagged request at once and leaves its token to this step.

export interface UploadRoute {
  path: string;
  /** Body size limit, e.g. '5mb'. */
  limit: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** A POST to an upload route whose body has not been read yet. */
    uploadPending?: boolean;
  }
}

// As Express routes match: case-insensitive, with or without a trailing slash.
const routeForm = (path: string) => path.toLowerCase().replace(/\/+$/, '');

export function markUploads(routes: UploadRoute[]): RequestHandler {
  const paths = new Set(routes.map((r) => routeForm(r.path)));
  return (req, _res, next) => {
    if (req.method === 'POST' && paths.has(routeForm(req.path))) req.uploadPending = true;
    next();
  };
}

/** One of the app's general body parsers, skipped for an upload whose route reads it later. */
export function unlessUpload(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (req.uploadPending ? next() : parser(req, res, next));
}

/** Read the upload's form-encoded body, then check its CSRF token: mount after the route's guards. */
export function uploadBody(route: UploadRoute): RequestHandler[] {
  const parse = express.urlencoded({ extended: false, limit: route.limit, parameterLimit: 10 });
  const read: RequestHandler = (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      req.uploadPending = false;
      next(error);
    });
  return [read, checkCsrfToken];
}
