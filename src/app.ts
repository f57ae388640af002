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
import { can, requireSignIn, signedInUser } from './auth/index.ts';
import { recordCommitPosition } from './http/commit-position.ts';
import { cacheHealthRoute, healthRouter } from './health/index.ts';
import { inputLocale } from './http/input-locale.ts';
import { conditionalPages } from './http/conditional-page.ts';
import { buildIdOf } from './http/build-id.ts';
import { LoginFormToken } from './http/login-csrf.ts';
import { productImportUpload } from './catalog/index.ts';
import { supplierImportUpload } from './purchasing/index.ts';
import { markUploads, unlessUpload } from './http/upload-body.ts';
import { methodLabel } from './sales/index.ts';
import { languageMiddleware } from './i18n/index.ts';
import { accountLanguageRouter, publicLanguageRouter } from './http/language.router.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build the Express app from already-built dependencies (tests build their own). */
export function createApp(deps: Dependencies): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));
  // Compiled templates are kept except in development, where an edited view shows on the next
  // request; tests run pages as production does (and compiling every page was a tenth of their time).
  if (config.env !== 'development') app.set('view cache', true);
  // JSON answers carry what users typed (names in the pickers): <, > and & go out as \u003c
  // etc., so no answer holds markup even where it is read as something other than JSON.
  app.set('json escape', true);
  // Pages get a strong ETag from what they read, or none (src/http/conditional-page.ts); a
  // weak one hashed from the rendered body would only save bytes, never the work.
  app.set('etag', false);

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
  app.use(markUploads([productImportUpload, supplierImportUpload]));
  app.use(unlessUpload(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 })));
  app.use(unlessUpload(express.json({ limit: '100kb' })));
  app.use(sessionMiddleware(config, deps.sessionStore));
  const guard = {
    auth: deps.auth,
    scopeFor: deps.scopeFor,
    absoluteTimeoutSeconds: config.session.absoluteTimeoutSeconds,
    cookieName: sessionCookieName(config),
  };
  app.use(
    cacheHealthRoute(health, async (req) => {
      const user = await signedInUser(req, guard);
      return user !== null && can(user, 'cache.manage');
    }),
  );
  // Strangers get no session: the sign-in form's CSRF token is a signed cookie instead.
  const loginForm = new LoginFormToken(config);
  app.use(csrfProtection(loginForm));
  app.use(postRateLimit(deps.postLimiter));
  app.use(flashLocals);
  app.use((req, res, next) => {
    res.locals.methodLabel = (method: string, custom?: { name: string } | null) => custom?.name ?? req.t(methodLabel(method));
    res.locals.currentPath = req.path;
    res.locals.currentUrl = req.originalUrl;
    next();
  });

  // Public routes: /login, /login/2fa, /logout, /password/forgot, the one-time links and the language switch.
  app.use(publicLanguageRouter(deps));
  app.use(deps.signInRouter(loginForm));

  // Everything below needs a signed-in user and has req.scope (src/http/request-scope.ts).
  app.use(requireSignIn(guard));
  if (deps.reportReads) app.use(recordCommitPosition(deps.reportReads.commitPosition));
  app.use(inputLocale);
  const codeDir = path.dirname(fileURLToPath(import.meta.url));
  app.use(
    conditionalPages({
      cache: deps.cache,
      pages: deps.conditionalPages,
      buildId: buildIdOf([codeDir, path.join(root, 'views')]),
      keptPageBytes: config.cache.keptPageBytes,
      metrics: deps.metrics,
    }),
  );
  app.use(accountLanguageRouter(deps));
  for (const router of deps.routers) app.use(router);

  app.use(notFound);
  app.use(errorHandler(logger, { exposeDetails: !config.isProduction }));
  return app;
}
