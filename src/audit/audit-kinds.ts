import type { AuditKind } from '../generated/prisma/client.ts';

/** How the audit page names each kind of entry. */
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
