import { randomBytes } from 'node:crypto';
import { recordAudit } from '../db/audit-log.ts';
import { assertCan } from './permissions.ts';
import { ConflictError, found } from '../db/errors.ts';
import type { Scope } from '../db/scope.ts';
import { inTransaction, type TenantTransaction } from '../db/unit-of-work.ts';
import type { CacheService } from '../cache/index.ts';
import type { RoleName } from './users.schema.ts';
import { createUserWithScope } from './users.service.ts';
import type { SessionTerminator } from './account.service.ts';
import type { InviteUser } from './user-admin.schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Logger } from '../logger.ts';
import { issueLink, linkUrl } from './one-time-links.ts';
import { invitationMail } from './link-mail.ts';
import { tFor } from '../i18n/index.ts';

// Owners manage the users of their tenant: invite (a one-time link by which the new user
// chooses their password: e-mailed, or shown to the owner once when e-mail is off), change role, deactivate/reactivate, require two-factor sign-in.
// At least one active owner always remains: role changes and deactivations run in a
// transaction that first locks the tenant's row, so two owners demoting each other at the
// same moment cannot both succeed.

// Every change goes to the audit log in its own transaction; every method is the permission
// table's `users.manage`.

const LAST_OWNER = 'A business needs at least one active owner. Make someone else an owner first.';
// Sign-in is by email, so an address belongs to one business. That it is taken by another
// business is not this owner's to learn: the message does not say why (decision 009).
const ALREADY_HERE = 'That person is already a user here.';
const CANNOT_INVITE = 'We could not invite that address. Check it, or ask the person for another address.';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: RoleName;
  active: boolean;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  /** An invitation link is out and not yet used. */
  invited: boolean;
}

export interface Invitation {
  id: number;
  email: string;
  /** The invitation link, set only when it was not e-mailed: the owner passes it on. */
  link?: string;
}

export interface InvitationMailing {
  mailer: Mailer;
  logger: Logger;
}

export class UserAdminService {
  constructor(
    private readonly sessions: SessionTerminator,
    private readonly mailing: InvitationMailing,
    private readonly cache: CacheService,
  ) {}

  async list(me: Scope): Promise<{ users: UserRow[]; require2fa: boolean }> {
    assertCan(me, 'users.manage');
    const [users, tenant, invitations] = await Promise.all([
      me.db.user.findMany({
        orderBy: [{ active: 'desc' }, { email: 'asc' }],
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          active: true,
          totpEnabled: true,
          mustChangePassword: true,
          lastLoginAt: true,
        },
      }),
      me.db.tenant.findUniqueOrThrow({ where: { id: me.tenantId }, select: { require2fa: true } }),
      me.db.oneTimeLink.findMany({
        where: { purpose: 'invitation', usedAt: null, expiresAt: { gt: new Date() } },
        select: { userId: true },
      }),
    ]);
    const invited = new Set(invitations.map((i) => i.userId));
    return { users: users.map((u) => ({ ...u, invited: invited.has(u.id) })), require2fa: tenant.require2fa };
  }

  /**
   * Creates the user with a password nobody knows and an invitation link (72 h, once) by
   * which they choose their own. `origin` is where the link points (APP_URL when set).
   * The link is e-mailed when e-mail is on and the server takes it; otherwise it is
   * returned, to be shown to the owner this once.
   */
  async invite(me: Scope, input: InviteUser, origin: string): Promise<Invitation> {
    assertCan(me, 'users.manage');
    if (await me.db.user.findFirst({ where: { email: input.email }, select: { id: true } }))
      throw new ConflictError(ALREADY_HERE, { email: ALREADY_HERE });
    const unknownPassword = randomBytes(32).toString('base64url');
    const { user, token } = await inTransaction(me.db, async (uow) => {
      const { tx } = uow;
      const created = await createUserWithScope(tx, { ...input, password: unknownPassword }, { takenMessage: CANNOT_INVITE });
      const token = await issueLink(tx, created.id, 'invitation');
      await recordAudit(tx, me, {
        kind: 'user_invited',
        subject: `User ${created.email}`,
        after: { email: created.email, role: created.role },
      });
      await this.cache.invalidateAfterCommit(uow, me.tenantId, 'user.created');
      return { user: created, token };
    });
    const link = linkUrl(origin, 'invitation', token);
    if (this.mailing.mailer.enabled) {
      const inviter = await me.db.user.findUniqueOrThrow({
        where: { id: me.userId },
        select: { name: true, email: true, tenant: { select: { name: true, language: true } } },
      });
      try {
        await this.mailing.mailer.send(
          invitationMail(tFor([inviter.tenant.language]), {
            to: user.email,
            name: input.name ?? '',
            businessName: inviter.tenant.name,
            invitedBy: inviter.name || inviter.email,
            url: link,
          }),
        );
        return { id: user.id, email: user.email };
      } catch (error) {
        // The user exists; the owner gets the link on screen instead of a failed invitation.
        this.mailing.logger.error({ err: error }, 'invitation e-mail could not be sent');
      }
    }
    return { id: user.id, email: user.email, link };
  }

  async changeRole(me: Scope, userId: number, role: RoleName): Promise<void> {
    assertCan(me, 'users.manage');
    await inTransaction(me.db, async (uow) => {
      const { tx } = uow;
      await lockTenant(tx, me.tenantId);
      const user = found(await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true, active: true } }), 'User');
      if (user.role === 'owner' && role !== 'owner' && user.active) await ensureAnotherOwner(tx, userId);
      await tx.user.update({ where: { id: userId }, data: { role } });
      await this.cache.invalidateAfterCommit(uow, me.tenantId, 'user.roleChanged');
      if (user.role !== role)
        await recordAudit(tx, me, { kind: 'user_role', subject: `User ${user.email}`, before: { role: user.role }, after: { role } });
    });
  }

  async setActive(me: Scope, userId: number, active: boolean): Promise<void> {
    assertCan(me, 'users.manage');
    if (!active && userId === me.userId) throw new ConflictError('You cannot deactivate your own account.');
    await inTransaction(me.db, async (uow) => {
      const { tx } = uow;
      await lockTenant(tx, me.tenantId);
      const user = found(await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true, active: true } }), 'User');
      if (!active && user.active && user.role === 'owner') await ensureAnotherOwner(tx, userId);
      await tx.user.update({ where: { id: userId }, data: { active } });
      await this.cache.invalidateAfterCommit(uow, me.tenantId, 'user.activeChanged');
      if (user.active !== active)
        await recordAudit(tx, me, {
          kind: 'user_active',
          subject: `User ${user.email}`,
          before: { active: user.active },
          after: { active },
        });
    });
    // After commit: the guard already refuses a deactivated user; this removes the sessions too.
    if (!active) await this.sessions.destroyUserSessions(userId);
  }

  async setRequire2fa(me: Scope, require2fa: boolean): Promise<void> {
    assertCan(me, 'users.manage');
    await inTransaction(me.db, async (uow) => {
      const { tx } = uow;
      const before = await tx.tenant.findUniqueOrThrow({ where: { id: me.tenantId }, select: { require2fa: true } });
      await tx.tenant.update({ where: { id: me.tenantId }, data: { require2fa } });
      await this.cache.invalidateAfterCommit(uow, me.tenantId, 'business.twoFactorRuleChanged');
      if (before.require2fa !== require2fa)
        await recordAudit(tx, me, {
          kind: 'two_factor_policy',
          subject: 'Two-factor sign-in for every user',
          before,
          after: { require2fa },
        });
    });
  }
}

async function lockTenant(tx: TenantTransaction, tenantId: number): Promise<void> {
  // An UPDATE takes the row lock until the transaction ends (and passes the tenant scope).
  await tx.tenant.update({ where: { id: tenantId }, data: { updatedAt: new Date() }, select: { id: true } });
}

async function ensureAnotherOwner(tx: TenantTransaction, userId: number): Promise<void> {
  const others = await tx.user.count({ where: { role: 'owner', active: true, id: { not: userId } } });
  if (others === 0) throw new ConflictError(LAST_OWNER);
}
