import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, isDatabaseUnavailable } from '../db/errors.ts';
import type { Logger } from '../logger.ts';

const titles: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Page not found',
  409: 'Conflict',
  413: 'Too large',
  422: 'Check the form',
  429: 'Too many attempts',
  503: 'Service unavailable',
};

/** body-parser's refusals, in words of ours (its own messages are English and technical). */
const bodyRefusals: Record<string, string> = {
  'entity.too.large': 'The form you sent is too large.',
  'parameters.too.many': 'The form you sent has too many fields.',
  'entity.parse.failed': 'The form you sent could not be read.',
  'charset.unsupported': 'The form you sent is in a character set we do not read.',
  'encoding.unsupported': 'The form you sent is in a character set we do not read.',
  'request.aborted': 'The form was not sent completely; please send it again.',
};

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** The one place errors become pages (HTML) or JSON, by what the client accepts. */
export function errorHandler(logger: Logger, options: { exposeDetails: boolean }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let status = 500;
    let message = 'Something went wrong on our side. It has been logged; please try again.';
    if (err instanceof AppError) {
      status = err.status;
      message = err.message;
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      message = 'The database cannot be reached right now. Please try again in a moment.';
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // body-parser and friends: oversized or malformed bodies are the client's doing.
      status = err.status;
      message = bodyRefusals[String(err.type)] ?? titles[status] ?? 'Bad request';
    }
    if (status >= 500) {
      (req.log ?? logger).error({ err, code: err?.code, method: req.method, url: req.originalUrl }, 'request failed');
      if (options.exposeDetails && status === 500 && err instanceof Error) message = `${err.name}: ${err.message}`;
    }
    const title = titles[status] ?? (status >= 500 ? 'Something went wrong' : 'Error');
    res.status(status);
    if (status === 503) res.setHeader('Retry-After', typeof err?.retryAfterSeconds === 'number' ? String(err.retryAfterSeconds) : '5');
    if (status === 429 && typeof err?.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(err.retryAfterSeconds));
    // An error before the language was chosen (a bad body) still gets an answer, in English.
    const t = typeof req.t === 'function' ? req.t : (text: string) => text;
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: { status, message: t(message) } });
      return;
    }
    res.render('errors/error', { title: t(title), message: t(message), requestId: req.id, t });
  };
}
