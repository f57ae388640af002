import { Router } from 'express';
import type { Core } from '../core.ts';
import type { RateLimiterOptions } from '../http/rate-limit.ts';
import type { LoginFormToken } from '../http/login-csrf.ts';
import { accountRouter } from './account.router.ts';
import { AccountService } from './account.service.ts';
import { authRouter } from './auth.router.ts';
import { AuthService } from './auth.service.ts';
import { linksRouter } from './links.router.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { OneTimeLinks } from './one-time-links.ts';
import { PasswordResetService } from './password-reset.service.ts';
import type { TieredSessionStore } from './sessions/index.ts';
import type { TotpSecrets } from './totp-secrets.ts';
import { UserAdminService } from './user-admin.service.ts';
import { AUTH_EVENTS } from './cache-events.ts';
import { ViewerReader } from './viewer.ts';
import { usersRouter } from './users.router.ts';

export { AccountService } from './account.service.ts';
export { AuthService } from './auth.service.ts';
export type { Viewer } from './viewer.ts';
export { requireCan } from './guards.ts';
export { LoginThrottle } from './login-throttle.ts';
export { OneTimeLinks } from './one-time-links.ts';
export { PasswordResetService } from './password-reset.service.ts';
export { weakPasswordReason } from './password-policy.ts';
export { configurePasswordWork, hashPassword } from './password.ts';
export { assertCan, can } from './permissions.ts';
export { requireSignIn, signedInUser } from './require-sign-in.ts';
export { createSessionStore, TieredSessionStore } from './sessions/index.ts';
export { TotpSecrets } from './totp-secrets.ts';
export { UserAdminService } from './user-admin.service.ts';
export { NewUserSchema, type RoleName } from './users.schema.ts';
export { resealAllTotpSecrets } from './totp-secrets.ts';
export { createUser } from './users.service.ts';

export interface AuthServices {
  auth: AuthService;
  account: AccountService;
  userAdmin: UserAdminService;
  /** Invitation and password-reset links: opening one, setting the password through it. */
  links: OneTimeLinks;
  /** "Forgot password": a reset link by e-mail, within rate limits. */
  passwordReset: PasswordResetService;
}

/**
 * Signing in and out, the account pages and the users page, and the one-time links of an
 * invitation or a password reset. `signInRouter` is public (mounted before the sign-in
 * guard: sign-in, forgot password, the links); `router` needs a signed-in user.
 */
export function createAuth(
  core: Pick<Core, 'config' | 'db' | 'tenantDb' | 'mailer' | 'logger' | 'cache'>,
  infra: {
    sessionStore: TieredSessionStore;
    loginThrottle: LoginThrottle;
    totpSecrets: TotpSecrets;
    /** Where the reset limits count (Redis when configured). */
    limiterOptions: RateLimiterOptions;
  },
): AuthServices & { router: Router; signInRouter(loginForm: LoginFormToken): Router } {
  const { sessionStore, loginThrottle, totpSecrets, limiterOptions } = infra;
  const { config, mailer, logger, cache } = core;
  cache.declareEvents(AUTH_EVENTS);
  const viewers = new ViewerReader({ cache, tenantDb: core.tenantDb });
  const auth = new AuthService({ prisma: core.db.prisma, tenantDb: core.tenantDb, throttle: loginThrottle, totpSecrets, viewers });
  const account = new AccountService(sessionStore, loginThrottle, totpSecrets, cache);
  const userAdmin = new UserAdminService(sessionStore, { mailer, logger }, cache);
  const links = new OneTimeLinks({ prisma: core.db.prisma, tenantDb: core.tenantDb, sessions: sessionStore, cache });
  const passwordReset = new PasswordResetService({
    prisma: core.db.prisma,
    tenantDb: core.tenantDb,
    mailer,
    appUrl: config.appUrl,
    limiterOptions,
    logger,
  });
  const router = Router();
  router.use(accountRouter({ account }));
  router.use(usersRouter({ userAdmin, appUrl: config.appUrl }));
  const signInRouter = (loginForm: LoginFormToken) => {
    const publicRouter = Router();
    publicRouter.use(authRouter({ auth, config }, loginForm));
    publicRouter.use(linksRouter({ links, passwordReset }, loginForm));
    return publicRouter;
  };
  return { auth, account, userAdmin, links, passwordReset, router, signInRouter };
}
