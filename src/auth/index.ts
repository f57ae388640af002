import { Router } from 'express';
import type { Core } from '../core.ts';
import type { LoginFormToken } from '../http/login-csrf.ts';
import { accountRouter } from './account.router.ts';
import { AccountService } from './account.service.ts';
import { authRouter } from './auth.router.ts';
import { AuthService } from './auth.service.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { TieredSessionStore } from './sessions/index.ts';
import type { TotpSecrets } from './totp-secrets.ts';
import { UserAdminService } from './user-admin.service.ts';
import { usersRouter } from './users.router.ts';

export { AccountService } from './account.service.ts';
export { AuthService, type SessionUser } from './auth.service.ts';
export { requireCan } from './guards.ts';
export { LoginThrottle } from './login-throttle.ts';
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
}

/**
 * Signing in and out, the account pages and the users page. `signInRouter` is public (mounted
 * before the sign-in guard); `router` needs a signed-in user.
 */
export function createAuth(
  core: Pick<Core, 'config' | 'db' | 'tenantDb'>,
  infra: { sessionStore: TieredSessionStore; loginThrottle: LoginThrottle; totpSecrets: TotpSecrets },
): AuthServices & { router: Router; signInRouter(loginForm: LoginFormToken): Router } {
  const { sessionStore, loginThrottle, totpSecrets } = infra;
  const auth = new AuthService({ prisma: core.db.prisma, tenantDb: core.tenantDb, throttle: loginThrottle, totpSecrets });
  const account = new AccountService(sessionStore, loginThrottle, totpSecrets);
  const userAdmin = new UserAdminService(sessionStore);
  const router = Router();
  router.use(accountRouter({ account }));
  router.use(usersRouter({ userAdmin }));
  return { auth, account, userAdmin, router, signInRouter: (loginForm) => authRouter({ auth, config: core.config }, loginForm) };
}
