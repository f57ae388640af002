import { pino, type Logger } from 'pino';

export type { Logger };

/** One logger for the app; request loggers are children of it (src/http/request-log.ts). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Credentials and session ids never reach the log, whatever an object carries.
      redact: {
        paths: ['password', '*.password', 'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'sessionId', '*.sessionId', 'redisUrl', 'redis.url', 'redisSessions.url', 'databaseUrl'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
