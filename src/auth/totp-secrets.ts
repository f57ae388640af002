import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TotpKey } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { forTenant, type TenantDb } from '../db/tenant-scope.ts';

// TOTP secrets at rest (docs/decisions/009): AES-256-GCM with a key from the environment
// (TOTP_ENCRYPTION_KEY; earlier keys in TOTP_ENCRYPTION_OLD_KEYS), the user's id as
// associated data (a sealed secret copied to another user's row does not open), stored as
// `totp1:<key id>:<iv>:<tag>:<ciphertext>` (base64url). The key id names which key sealed
// it, so rotation is: put the new key in TOTP_ENCRYPTION_KEY, the old one in
// TOTP_ENCRYPTION_OLD_KEYS; each secret is resealed with the new key the next time it is
// used, or all at once with `npm run cli -- totp:reseal`. A secret still in clear (written
// before encryption existed) is read as it is and sealed on the same occasions.

const PREFIX = 'totp1';

export { parseTotpKey, type TotpKey } from '../config.ts';

export class TotpSecrets {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly current: TotpKey,
    old: TotpKey[] = [],
  ) {
    this.byId = new Map([...old, current].map((k) => [k.id, k.key]));
  }

  seal(secret: string, userId: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(aad(userId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [PREFIX, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      ':',
    );
  }

  /** The secret in clear. Throws when it was sealed with a key that is not configured, or tampered with. */
  open(stored: string, userId: number): string {
    if (!isSealed(stored)) return stored;
    const [, id, iv, tag, body] = stored.split(':') as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key)
      throw new Error(
        `TOTP secret of user ${userId} was sealed with key ${id}, which is not in TOTP_ENCRYPTION_KEY or TOTP_ENCRYPTION_OLD_KEYS`,
      );
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Stored in clear or with a key other than the current one. */
  needsReseal(stored: string): boolean {
    return !isSealed(stored) || stored.split(':')[1] !== this.current.id;
  }

  /** Open a user's stored secret, resealing it with the current key first when it needs it. */
  async reveal(db: TenantDb, userId: number, stored: string): Promise<string> {
    const secret = this.open(stored, userId);
    if (this.needsReseal(stored)) {
      // Conditional on the row still holding what was read: a concurrent change wins.
      await db.user.updateMany({ where: { id: userId, totpSecret: stored }, data: { totpSecret: this.seal(secret, userId) } });
    }
    return secret;
  }
}

function isSealed(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}

function aad(userId: number): Buffer {
  return Buffer.from(`stock-totp-user:${userId}`);
}

/**
 * Seal every stored secret that is in clear or under an old key with the current key.
 * Secrets under a key that is not configured are left as they are and listed (by user id).
 */
export async function resealAllTotpSecrets(
  prisma: PrismaClient,
  secrets: TotpSecrets,
): Promise<{ checked: number; resealed: number; unreadable: number[] }> {
  // Across every business: a maintenance task of the operator's, one user at a time through its tenant's scope.
  const users = await prisma.user.findMany({
    where: { totpSecret: { not: null } },
    select: { id: true, tenantId: true, totpSecret: true },
    orderBy: { id: 'asc' },
  });
  let resealed = 0;
  const unreadable: number[] = [];
  for (const user of users) {
    if (!secrets.needsReseal(user.totpSecret!)) continue;
    try {
      await secrets.reveal(forTenant(prisma, user.tenantId), user.id, user.totpSecret!);
      resealed++;
    } catch {
      unreadable.push(user.id);
    }
  }
  return { checked: users.length, resealed, unreadable };
}
