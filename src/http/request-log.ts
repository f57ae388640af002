import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.ts';

// A one-time link's token is a password until used: logged as "…".
const withoutToken = (url: string | undefined) => (url ?? '').replace(/^(\/(?:invitation|password\/reset)\/)[^/?#]+/, '$1…');

/** Request ids on every log line (and echoed as X-Request-Id); no cookies or bodies logged. */
export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // Error objects are logged once by the error handler, with context.
    customErrorMessage: (req, res) => `${req.method} ${withoutToken(req.url)} ${res.statusCode}`,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: withoutToken(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' || (req.url ?? '').startsWith('/css/') },
  });
}
