import { createHash, randomBytes } from 'node:crypto';
import type { LinkPurpose, PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import { inTransaction, type TenantTransaction } from '../db/unit-of-work.ts';
import type { CacheService } from '../cache/index.ts';
import { recordAudit } from '../db/audit-log.ts';
import { AppError, ValidationError } from '../db/errors.ts';
import { hashPassword } from './password.ts';
import { assertUsablePassword } from './password-policy.ts';
import type { SessionTerminator } from './account.service.ts';

// One-time links: an invitation (the new user sets their own password) or a password reset.
// The token is 32 random bytes in the link; the database keeps only its SHA-256, so a copy
// of the table opens nothing. A link is claimed by one conditional UPDATE (still unused, not
// expired) inside the transaction that sets the password: of parallel requests with the same
// token exactly one changes a row, the others find it used. Setting the password moves
// passwordChangedAt, which ends every existing session at its next request (the sign-in
// guard compares it), in that same transaction; the sessions are then also deleted.

export type { LinkPurpose };

export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = {
  invitation: 72 * 3600 * 1000,
  password_reset: 3600 * 1000,
};

export const LINK_PATH: Record<LinkPurpose, string> = {
  invitation: '/invitation/',
  password_reset: '/password/reset/',
};

export const LINK_GONE = 'This link has expired or has already been used. Ask for a new one.';

export class LinkGoneError extends AppError {
  static override code = 'E_LINK_GONE';
  override readonly status = 410;
  constructor() {
    super(LINK_GONE);
  }
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A new link for a user, in the caller's transaction. Earlier unused links of the same
 * purpose for that user are spent, so only the newest one works. Returns the token (to put
 * in the link, never stored).
 */
export async function issueLink(
  tx: Pick<TenantTransaction, 'oneTimeLink'>,
  userId: number,
  purpose: LinkPurpose,
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.oneTimeLink.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
  await tx.oneTimeLink.create({
    data: {
      userId,
      purpose,
      tokenHash: hashLinkToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LINK_LIFETIME_MS[purpose]),
    } as Parameters<TenantTransaction['oneTimeLink']['create']>[0]['data'],
    select: { id: true },
  });
  return token;
}

export function linkUrl(origin: string, purpose: LinkPurpose, token: string): string {
  return `${origin}${LINK_PATH[purpose]}${token}`;
}

export interface OpenLink {
  tenantId: number;
  userId: number;
  email: string;
  name: string;
  businessName: string;
}

export interface LinkDeps {
  prisma: PrismaClient;
  tenantDb: (tenantId: number) => TenantDb;
  sessions: SessionTerminator;
  cache: CacheService;
}

export class OneTimeLinks {
  constructor(private readonly deps: LinkDeps) {}

  /**
   * The link's user while the link is still usable, or null. Finding a link by its token is
   * the one read that cannot be tenant-scoped (the tenant is not known until the link is);
   * it reads the link's own row only.
   */
  async open(token: string, purpose: LinkPurpose, now = new Date()): Promise<OpenLink | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const link = await this.deps.prisma.oneTimeLink.findUnique({
      where: { tokenHash: hashLinkToken(token) },
      select: { tenantId: true, userId: true, purpose: true, usedAt: true, expiresAt: true },
    });
    if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt <= now) return null;
    const user = await this.deps.tenantDb(link.tenantId).user.findUnique({
      where: { id: link.userId },
      select: { email: true, name: true, active: true, tenant: { select: { name: true } } },
    });
    if (!user?.active) return null;
    return { tenantId: link.tenantId, userId: link.userId, email: user.email, name: user.name, businessName: user.tenant.name };
  }

  /**
   * Set the user's own password through the link, once. Throws ValidationError for a
   * password the policy refuses (the link stays usable) and LinkGoneError when the link is
   * unknown, expired, used — also when another request used it a moment ago.
   */
  async setPassword(token: string, purpose: LinkPurpose, password: string, confirmation: string): Promise<OpenLink> {
    const link = await this.open(token, purpose);
    if (!link) throw new LinkGoneError();
    if (password !== confirmation) throw new ValidationError('Check the form.', { confirmPassword: 'The two passwords are not the same' });
    assertUsablePassword(password, { email: link.email, businessName: link.businessName }, 'password');
    const passwordHash = await hashPassword(password);
    const db = this.deps.tenantDb(link.tenantId);
    await inTransaction(db, async (uow) => {
      const { tx } = uow;
      const now = new Date();
      const claimed = await tx.oneTimeLink.updateMany({
        where: { tokenHash: hashLinkToken(token), purpose, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (claimed.count !== 1) throw new LinkGoneError();
      await tx.user.update({
        where: { id: link.userId },
        data: { passwordHash, passwordChangedAt: now, mustChangePassword: false },
        select: { id: true },
      });
      await this.deps.cache.invalidateAfterCommit(uow, link.tenantId, 'user.passwordChanged');
      // Whatever other reset links are out there for this user are spent with it.
      await tx.oneTimeLink.updateMany({ where: { userId: link.userId, usedAt: null }, data: { usedAt: now } });
      await recordAudit(
        tx,
        { tenantId: link.tenantId, userId: link.userId },
        purpose === 'invitation'
          ? { kind: 'invitation_accepted', subject: `User ${link.email}` }
          : { kind: 'password_reset', subject: `User ${link.email}` },
      );
    });
    await this.deps.sessions.destroyUserSessions(link.userId);
    return link;
  }
}
