import type { AuditKind, Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';

// Writing to the audit log: only ever an insert, inside the transaction of the change it
// describes, so a change that rolls back leaves no entry and a committed change always has
// one. There is no update or delete here, and the database refuses both
// (docs/decisions/011-audit-log.md).

export type { AuditKind };

export const AUDIT_KINDS: Record<AuditKind, string> = {
  product_pricing: 'Price or cost',
  product_active: 'Product deleted or restored',
  stock_correction: 'Stock correction',
  product_import: 'Product import',
  user_invited: 'User invited',
  user_role: 'Role changed',
  user_active: 'User deactivated or reactivated',
  two_factor_policy: 'Two-factor requirement',
  business_settings: 'Business settings',
  sale_cancelled: 'Sale cancelled',
  invitation_accepted: 'Invitation accepted',
  password_reset: 'Password reset by e-mail link',
};

export interface AuditChange {
  kind: AuditKind;
  /** What changed, as the page shows it: "Product MUG-1", "User a@b.test", "Sale #12". */
  subject: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Decimals become their text ("94.50"), dates ISO strings: what JSON can hold without loss. */
function plain(value: Record<string, unknown> | undefined): Prisma.InputJsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}

/** Appends one entry in `tx`: call it inside the transaction that makes the change. */
export async function recordAudit(
  tx: Pick<TenantTransaction, 'auditEntry'>,
  who: { tenantId: number; userId?: number | null },
  change: AuditChange,
): Promise<void> {
  await tx.auditEntry.create({
    data: {
      tenantId: who.tenantId,
      userId: who.userId ?? null,
      kind: change.kind,
      subject: change.subject,
      before: plain(change.before),
      after: plain(change.after),
    },
    select: { id: true },
  });
}

/** The fields of `after` that differ from `before`, each side with only those fields (null when nothing changed). */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } | null {
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const keys = Object.keys(after).filter((k) => text(before[k]) !== text(after[k]));
  if (!keys.length) return null;
  const pick = (o: T) => Object.fromEntries(keys.map((k) => [k, o[k]])) as Partial<T>;
  return { before: pick(before), after: pick(after) };
}
