import type { Role } from '../generated/prisma/client.ts';
import type { TenantDb } from './tenant-scope.ts';

/**
 * What a catalog or settings service needs to know about the caller: the tenant, who acts
 * (for stock movements and the audit log), their role (for the permission table) and the
 * tenant-scoped client. A signed-in request's `req.scope` has this shape; services never
 * see the request itself.
 */
export interface TenantContext {
  tenantId: number;
  userId?: number;
  role: Role;
  db: TenantDb;
}
