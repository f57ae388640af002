import { ConflictError, ValidationError, found } from '../db/errors.ts';
import type { Scope } from '../db/scope.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { assertUsablePassword } from './password-policy.ts';
import { hashRecoveryCode, newRecoveryCodes, verifyTotp } from './totp.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { TotpSecrets } from './totp-secrets.ts';
import type { CacheService, DomainEvent } from '../cache/index.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import type { Prisma } from '../generated/prisma/client.ts';

// The signed-in user's own account: password and two-factor sign-in. Each change asks for
// the current password first, within the account's sign-in limits: a stolen session
// cannot guess it faster than a sign-in could, nor turn two-factor sign-in on or off.

/** Ends a user's sessions (all of them, or all but the one making the change). */
export interface SessionTerminator {
  destroyUserSessions(userId: number, exceptSid?: string): Promise<number>;
}

/** Where the request comes from: its session and address. */
export interface Caller {
  sid: string;
  ip: string;
}

export class AccountService {
  constructor(
    private readonly sessions: SessionTerminator,
    private readonly throttle: LoginThrottle,
    private readonly totpSecrets: TotpSecrets,
    private readonly cache: CacheService,
  ) {}

  /** The user's own language for the pages; null: the business's. */
  async setLanguage(me: Scope, language: string | null): Promise<void> {
    await this.updateMe(me, { language }, 'user.languageChanged');
  }

  /** Changes the signed-in user's row; the sign-in guard's cached read of it goes after commit. */
  private async updateMe(me: Scope, data: Prisma.UserUpdateInput, event: DomainEvent): Promise<void> {
    await inTransaction(me.db, async (uow) => {
      await uow.tx.user.update({ where: { id: me.userId }, data, select: { id: true } });
      await this.cache.invalidateAfterCommit(uow, me.tenantId, event);
    });
  }

  async mustChangePassword(me: Scope): Promise<boolean> {
    const user = await me.db.user.findUnique({ where: { id: me.userId }, select: { mustChangePassword: true } });
    return user?.mustChangePassword ?? false;
  }

  async twoFactorStatus(me: Scope) {
    const user = found(
      await me.db.user.findUnique({
        where: { id: me.userId },
        select: { email: true, totpEnabled: true, recoveryCodeHashes: true, tenant: { select: { require2fa: true } } },
      }),
      'User',
    );
    return {
      email: user.email,
      enabled: user.totpEnabled,
      recoveryCodesLeft: user.recoveryCodeHashes.length,
      required: user.tenant.require2fa,
    };
  }

  /**
   * Change the password after checking the current one. Every other session of the user
   * ends; returns the new passwordChangedAt for the current session to keep.
   */
  async changePassword(me: Scope, caller: Caller, currentPassword: string, newPassword: string): Promise<Date> {
    const user = await this.reauthenticate(me, caller, currentPassword, 'currentPassword', 'That is not your current password');
    assertUsablePassword(newPassword, { email: user.email, businessName: user.tenant.name });
    const passwordChangedAt = new Date();
    await this.updateMe(
      me,
      { passwordHash: await hashPassword(newPassword), passwordChangedAt, mustChangePassword: false },
      'user.passwordChanged',
    );
    await this.sessions.destroyUserSessions(me.userId, caller.sid);
    return passwordChangedAt;
  }

  /** Turn TOTP on with a secret the user proved they hold; returns the recovery codes (shown once). */
  async enableTotp(me: Scope, caller: Caller, password: string, secret: string, code: string): Promise<string[]> {
    await this.reauthenticate(me, caller, password, 'password', 'That is not your password');
    const step = await verifyTotp(secret, code);
    if (step === undefined)
      throw new ValidationError('Check the form.', {
        code: 'That code is not right. Check the time on your phone and try the current code.',
      });
    const codes = newRecoveryCodes();
    // The code just used cannot also sign in.
    await this.updateMe(
      me,
      {
        totpSecret: this.totpSecrets.seal(secret, me.userId),
        totpEnabled: true,
        totpLastStep: step,
        recoveryCodeHashes: codes.map(hashRecoveryCode),
      },
      'user.twoFactorChanged',
    );
    return codes;
  }

  async disableTotp(me: Scope, caller: Caller, password: string): Promise<void> {
    const { require2fa } = found(await me.db.tenant.findUnique({ where: { id: me.tenantId }, select: { require2fa: true } }), 'Business');
    if (require2fa) throw new ConflictError('Your business requires two-factor sign-in, so it cannot be turned off.');
    await this.reauthenticate(me, caller, password, 'password', 'That is not your password');
    await this.updateMe(me, { totpSecret: null, totpEnabled: false, totpLastStep: null, recoveryCodeHashes: [] }, 'user.twoFactorChanged');
  }

  /** The user's password checked within their account's sign-in limits; a wrong one is a message on `field`. */
  private async reauthenticate(me: Scope, caller: Caller, password: string, field: string, wrong: string) {
    const user = found(
      await me.db.user.findUnique({
        where: { id: me.userId },
        select: { email: true, passwordHash: true, tenant: { select: { name: true } } },
      }),
      'User',
    );
    const ok = await this.throttle.attempt('password', { account: user.email, ip: caller.ip }, () =>
      verifyPassword(user.passwordHash, password),
    );
    if (!ok) throw new ValidationError('Check the form.', { [field]: wrong });
    return user;
  }
}
