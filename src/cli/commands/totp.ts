import type { Command } from '../command.ts';
import { TotpSecrets, resealAllTotpSecrets } from '../../auth/index.ts';

// totp:reseal: after a key rotation (new TOTP_ENCRYPTION_KEY, the old one in
// TOTP_ENCRYPTION_OLD_KEYS), seal every two-factor secret with the new key at once instead
// of at each user's next sign-in; afterwards the old key can be dropped.

export const totpReseal: Command = {
  name: 'totp:reseal',
  summary: 'Seal every two-factor secret with the current TOTP_ENCRYPTION_KEY',
  options: {},
  async run(ctx) {
    const db = await ctx.database();
    const { checked, resealed, unreadable } = await resealAllTotpSecrets(
      db.prisma,
      new TotpSecrets(ctx.config.totp.key, ctx.config.totp.oldKeys),
    );
    ctx.out(`Resealed ${resealed} of ${checked} two-factor secret(s) with key ${ctx.config.totp.key.id}.`);
    if (unreadable.length)
      throw new Error(
        `${unreadable.length} secret(s) were sealed with a key that is not configured (users ${unreadable.join(', ')}): add it to TOTP_ENCRYPTION_OLD_KEYS and run again, or have those users set up two-factor sign-in again`,
      );
  },
};
