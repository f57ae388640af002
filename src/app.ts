import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Dependencies } from './container.ts';
import { requestLog } from './http/request-log.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import { sessionCookieName, sessionMiddleware } from './http/session.ts';
import { csrfProtection } from './http/csrf.ts';
import { cacheControl } from './http/cache-control.ts';
import { postRateLimit } from './http/rate-limit.ts';
import { flashLocals } from './http/flash.ts';
import { requireSignIn, signedInUser } from './http/require-sign-in.ts';
import { cacheHealthRoute, healthRouter } from './health/health.router.ts';
import { LoginFormToken } from './http/login-csrf.ts';
import { can } from './auth/permissions.ts';
import { authRouter } from './auth/auth.router.ts';
import { accountRouter } from './auth/account.router.ts';
import { usersRouter } from './auth/users.router.ts';
import { dashboardRouter } from './dashboard/dashboard.router.ts';
import { catalogRouter } from './catalog/catalog.router.ts';
import { balanceRouter } from './balance/balance.router.ts';
import { customersRouter } from './customers/customers.router.ts';
import { salesRouter } from './sales/sales.router.ts';
import { printingRouter } from './printing/printing.router.ts';
import { returnsRouter } from './sales/returns.router.ts';
import { tillRouter } from './till/till.router.ts';
import { paymentsRouter } from './payments/payments.router.ts';
import { adminCacheRouter } from './admin/cache.router.ts';
import { auditRouter } from './audit/audit.router.ts';
import { productImportUpload } from './catalog/products.router.ts';
import { markUploads, unlessUpload } from './http/upload-body.ts';
import { methodLabel } from './payments/method-labels.ts';
import { languageMiddleware } from './i18n/index.ts';
import { accountLanguageRouter, publicLanguageRouter } from './i18n/language.router.ts';

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
  // Public, no session: static files, health and metrics (the last with its token).
  const health = { ...deps, metricsToken: config.metricsToken };
  app.use(express.static(path.join(root, 'public'), { maxAge: config.isProduction ? '1h' : 0 }));
  app.use('/vendor/chart.js', express.static(path.join(root, 'node_modules/chart.js/dist'), { maxAge: '1d' }));
  app.use(cacheControl); // everything below is built per request: private, or no-store
  app.use(languageMiddleware());
  app.use(healthRouter(health));

  // Uploads (a pasted CSV) are read by their route after the sign-in and permission checks.
  app.use(markUploads([productImportUpload]));
  app.use(unlessUpload(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 })));
  app.use(unlessUpload(express.json({ limit: '100kb' })));
  app.use(sessionMiddleware(config, deps.sessionStore));
  const guard = {
    auth: deps.auth,
    tenantDb: deps.tenantDb,
    absoluteTimeoutSeconds: config.session.absoluteTimeoutSeconds,
    cookieName: sessionCookieName(config),
  };
  app.use(
    cacheHealthRoute(health, async (req) => {
      const user = await signedInUser(req, guard);
      return user !== null && can(user.role, 'cache.manage');
    }),
  );
  // Strangers get no session: the sign-in form's CSRF token is a signed cookie instead.
  const loginForm = new LoginFormToken(config);
  app.use(csrfProtection(loginForm));
  app.use(postRateLimit(deps.postLimiter));
  app.use(flashLocals);
  app.use((req, res, next) => {
    res.locals.methodLabel = (method: string) => req.t(methodLabel(method));
    res.locals.currentPath = req.path;
    res.locals.currentUrl = req.originalUrl;
    next();
  });

  // Public sign-in routes: /login, /login/2fa, /logout.
  app.use(publicLanguageRouter(deps));
  app.use(authRouter(deps, loginForm));

  // Everything below needs a signed-in user and has req.scope (src/http/request-scope.ts).
  app.use(requireSignIn(guard));
  app.use(dashboardRouter(deps));
  app.use(accountRouter(deps));
  app.use(accountLanguageRouter(deps));
  app.use(usersRouter(deps));
  app.use(catalogRouter(deps));
  app.use(balanceRouter(deps));
  app.use(customersRouter(deps));
  app.use(returnsRouter(deps));
  app.use(salesRouter(deps));
  app.use(printingRouter({ printing: deps.printing, secureCookies: deps.config.isProduction }));
  app.use(tillRouter(deps));
  app.use(paymentsRouter(deps));
  app.use(adminCacheRouter(deps));
  app.use(auditRouter(deps));

  app.use(notFound);
  app.use(errorHandler(logger, { exposeDetails: !config.isProduction }));
  return app;
}
