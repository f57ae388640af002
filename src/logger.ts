import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One logger for the app; request loggers are children of it (src/http/request-log.ts).
 * In a terminal (stdout is a TTY) the lines are made readable by pino-pretty, in a worker
 * thread so the app never waits on the formatting; anywhere else (a file, a pipe, a log
 * collector) they stay one JSON object per line.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      level,
      base: undefined,
      // Credentials and session ids never reach the log, whatever an object carries.
      redact: {
        paths: [
          'password',
          '*.password',
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          'sessionId',
          '*.sessionId',
          'redisUrl',
          'redis.url',
          'redisSessions.url',
          'databaseUrl',
        ],
        censor: '[redacted]',
      },
      ...(pretty
        ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
        : {}),
    },
    pretty ? undefined : destination,
  );
}
