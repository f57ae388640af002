import { ConflictError, ValidationError, found } from '../errors.ts';
import type { RequestScope } from '../http/request-scope.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hashRecoveryCode, newRecoveryCodes, verifyTotp } from './totp.ts';

// The signed-in user's own account: password and two-factor sign-in.

/** Ends a user's sessions (all of them, or all but the one making the change). */
export interface SessionTerminator {
  destroyUserSessions(userId: number, exceptSid?: string): Promise<number>;
}

type Me = Pick<RequestScope, 'tenantId' | 'userId' | 'db'>;

export class AccountService {
  constructor(private readonly sessions: SessionTerminator) {}

  async mustChangePassword(me: Me): Promise<boolean> {
    const user = await me.db.user.findUnique({ where: { id: me.userId }, select: { mustChangePassword: true } });
    return user?.mustChangePassword ?? false;
  }

  async twoFactorStatus(me: Me) {
    const user = found(
      await me.db.user.findUnique({ where: { id: me.userId }, select: { email: true, totpEnabled: true, recoveryCodeHashes: true, tenant: { select: { require2fa: true } } } }),
      'User',
    );
    return { email: user.email, enabled: user.totpEnabled, recoveryCodesLeft: user.recoveryCodeHashes.length, required: user.tenant.require2fa };
  }

  /**
   * Change the password after checking the current one. Every other session of the user
   * ends; returns the new passwordChangedAt for the current session to keep.
   */
  async changePassword(me: Me, currentSid: string, currentPassword: string, newPassword: string): Promise<Date> {
    const user = found(await me.db.user.findUnique({ where: { id: me.userId }, select: { passwordHash: true } }), 'User');
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new ValidationError('Check the form.', { currentPassword: 'That is not your current password' });
    }
    const passwordChangedAt = new Date();
    await me.db.user.update({ where: { id: me.userId }, data: { passwordHash: await hashPassword(newPassword), passwordChangedAt, mustChangePassword: false } });
    await this.sessions.destroyUserSessions(me.userId, currentSid);
    return passwordChangedAt;
  }

  /** Turn TOTP on with a secret the user proved they hold; returns the recovery codes (shown once). */
  async enableTotp(me: Me, secret: string, code: string): Promise<string[]> {
    const step = await verifyTotp(secret, code);
    if (step === undefined) throw new ValidationError('Check the form.', { code: 'That code is not right. Check the time on your phone and try the current code.' });
    const codes = newRecoveryCodes();
    // The code just used cannot also sign in.
    await me.db.user.update({ where: { id: me.userId }, data: { totpSecret: secret, totpEnabled: true, totpLastStep: step, recoveryCodeHashes: codes.map(hashRecoveryCode) } });
    return codes;
  }

  async disableTotp(me: Me, password: string): Promise<void> {
    const user = found(await me.db.user.findUnique({ where: { id: me.userId }, select: { passwordHash: true, tenant: { select: { require2fa: true } } } }), 'User');
    if (user.tenant.require2fa) throw new ConflictError('Your business requires two-factor sign-in, so it cannot be turned off.');
    if (!(await verifyPassword(user.passwordHash, password))) throw new ValidationError('Check the form.', { password: 'That is not your password' });
    await me.db.user.update({ where: { id: me.userId }, data: { totpSecret: null, totpEnabled: false, totpLastStep: null, recoveryCodeHashes: [] } });
  }
}
