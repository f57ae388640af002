import type { Command } from '../command.ts';
import { requirePositiveInt } from '../command.ts';
import { requireTenant } from '../../db/scope.ts';

// alerts:low-stock [--tenant N]: send today's low-stock digest now (not waiting for the hour);
// a business that already had today's is skipped, as the scheduler would.

const OUTCOME_TEXT = {
  sent: 'sent',
  failed: 'not every message went out (see the log); those refused are tried again at the next run',
  'already-sent': 'already sent today (kept once a day, even by hand)',
  'too-early': 'not yet due',
  'nothing-low': 'nothing at or below its reorder level',
  'no-recipients': 'no owner or manager asked for it',
  'mail-off': 'e-mail is not set up (SMTP_URL)',
} as const;

export const alertsLowStock: Command = {
  name: 'alerts:low-stock',
  summary: "Send today's low-stock e-mail now to the owners and managers who asked for it",
  options: { tenant: { type: 'string', description: 'only this tenant id' } },
  async run(ctx, v) {
    const tenantId = v.tenant === undefined ? undefined : requirePositiveInt(v.tenant, 'tenant');
    const deps = await ctx.dependencies();
    if (!deps.mailer.enabled) throw new Error('E-mail is not set up: set SMTP_URL, MAIL_FROM and APP_URL first');
    if (tenantId !== undefined) await requireTenant(deps.db.prisma, tenantId);
    const results = await deps.lowStockDigest.run({ tenantId, ignoreHour: true });
    for (const r of results) ctx.out(`tenant ${r.tenantId}: ${OUTCOME_TEXT[r.outcome]}`);
  },
};
