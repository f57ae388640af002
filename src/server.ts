import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    // One clear line, no stack trace: the variable and what is wrong with it.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

// The rest of the app loads only after the configuration is known to be good.
const { createLogger } = await import('./logger.ts');
const { buildDependencies } = await import('./container.ts');
const { createApp } = await import('./app.ts');
const { seedDemoOnFirstStart } = await import('./admin/index.ts');

const { DatabaseInUseError } = await import('./db/embedded-lock.ts');

const logger = createLogger(config.logLevel);
let deps: Awaited<ReturnType<typeof buildDependencies>>;
try {
  deps = await buildDependencies(config, logger);
} catch (error) {
  if (error instanceof DatabaseInUseError) {
    // Like a configuration error: one line saying what to do, no stack trace.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
await seedDemoOnFirstStart(deps);
const app = createApp(deps);

const server: Server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, database: deps.db.describe, redis: deps.redis ? 'configured' : 'in-process' },
    `Stock listening on http://localhost:${port}`,
  );
});
server.keepAliveTimeout = 5_000;
// The daily low-stock e-mail (only with SMTP_URL): every instance checks, one sends (alert_runs).
deps.lowStockDigest.start(config.lowStockDigest.checkIntervalMs);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  const force = setTimeout(() => {
    logger.error('requests still running after 10 s; exiting anyway');
    process.exit(1);
  }, 10_000);
  force.unref();
  // Stop accepting; idle keep-alive sockets are closed so close() only waits for requests in flight.
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await deps.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
