import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Dependencies } from './container.ts';
import { requestLog } from './http/request-log.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import { healthRouter } from './health/health.router.ts';
import { authRouter } from './auth/auth.router.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build the Express app from already-built dependencies (tests build their own). */
export function createApp(deps: Dependencies): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));
  if (config.isProduction) app.set('view cache', true);

  app.use(requestLog(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'form-action': ["'self'"] },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );
  app.use(express.static(path.join(root, 'public'), { maxAge: config.isProduction ? '1h' : 0 }));
  app.use('/vendor/chart.js', express.static(path.join(root, 'node_modules/chart.js/dist'), { maxAge: '1d' }));
  app.use(healthRouter(deps));
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));

  app.use((req, res, next) => {
    res.locals.currentPath = req.path;
    next();
  });
  app.use(authRouter(deps));

  app.use(notFound);
  app.use(errorHandler(logger, { exposeDetails: !config.isProduction }));
  return app;
}
