import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { findRecoveryCode, verifyTotp } from './totp.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { TotpSecrets } from './totp-secrets.ts';
import type { Viewer, ViewerReader } from './viewer.ts';

// Sign-in rules. Finding the account by email is the one query that cannot be
// tenant-scoped (the tenant is not known until the account is); it reads only the
// account's own row. Everything after it goes through the tenant-scoped client.

export interface SignInAccount {
  id: number;
  tenantId: number;
  email: string;
  passwordChangedAt: Date;
  totpEnabled: boolean;
}

export interface AuthServiceDeps {
  prisma: PrismaClient;
  tenantDb: (tenantId: number) => TenantDb;
  throttle: LoginThrottle;
  totpSecrets: TotpSecrets;
  viewers: ViewerReader;
}

export class AuthService {
  // A hash to check against when the email is unknown, so both cases take the same time.
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AuthServiceDeps) {}

  /**
   * The account for this email and password, or null (unknown, wrong or deactivated: the
   * caller cannot tell). Within the sign-in limits of the email and the client's address:
   * throws TooManyRequestsError, before checking anything, when they are spent.
   */
  checkPassword(email: string, password: string, ip: string): Promise<SignInAccount | null> {
    return this.deps.throttle.attempt('password', { account: email, ip }, () => this.findByPassword(email, password));
  }

  private async findByPassword(email: string, password: string): Promise<SignInAccount | null> {
    const user = await this.deps.prisma.user.findUnique({
      where: { email: email.trim().toLowerCase() },
      select: { id: true, tenantId: true, email: true, passwordHash: true, active: true, passwordChangedAt: true, totpEnabled: true },
    });
    if (!user) {
      // Made once; made again if the first try was refused (too busy), not cached as a failure.
      this.dummyHash ??= hashPassword('not-a-real-password-just-for-timing').catch((error: unknown) => {
        this.dummyHash = undefined;
        throw error;
      });
      await verifyPassword(await this.dummyHash, password);
      return null;
    }
    const ok = await verifyPassword(user.passwordHash, password);
    if (!ok || !user.active) return null;
    return {
      id: user.id,
      tenantId: user.tenantId,
      email: user.email,
      passwordChangedAt: user.passwordChangedAt,
      totpEnabled: user.totpEnabled,
    };
  }

  /** A TOTP code or an unused recovery code (which is then used up), within the second step's limits. */
  checkSecondFactor(tenantId: number, userId: number, code: string, ip: string): Promise<boolean> {
    return this.deps.throttle.attempt('secondFactor', { account: `${tenantId}:${userId}`, ip }, () =>
      this.secondFactorMatches(tenantId, userId, code),
    );
  }

  private async secondFactorMatches(tenantId: number, userId: number, code: string): Promise<boolean> {
    const db = this.deps.tenantDb(tenantId);
    const user = await db.user.findUnique({
      where: { id: userId },
      select: { active: true, totpEnabled: true, totpSecret: true, totpLastStep: true, recoveryCodeHashes: true },
    });
    if (!user?.active || !user.totpEnabled || !user.totpSecret) return false;
    const step = await verifyTotp(await this.deps.totpSecrets.reveal(db, userId, user.totpSecret), code, user.totpLastStep);
    if (step !== undefined) {
      // Conditional on no later use, so the same code cannot sign in twice, even at once.
      const { count } = await db.user.updateMany({
        where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
        data: { totpLastStep: step },
      });
      return count === 1;
    }
    const index = findRecoveryCode(user.recoveryCodeHashes, code);
    if (index < 0) return false;
    const remaining = user.recoveryCodeHashes.filter((_, i) => i !== index);
    // Conditional on the list being unchanged, so one code cannot be used twice at once.
    const { count } = await db.user.updateMany({
      where: { id: userId, recoveryCodeHashes: { equals: user.recoveryCodeHashes } },
      data: { recoveryCodeHashes: remaining },
    });
    return count === 1;
  }

  async recordSignIn(tenantId: number, userId: number): Promise<void> {
    await this.deps.tenantDb(tenantId).user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
  }

  /** The session's user and business (cached: src/auth/viewer.ts), or null when the user is gone. */
  sessionUser(tenantId: number, userId: number): Promise<Viewer | null> {
    return this.deps.viewers.read(tenantId, userId);
  }
}
