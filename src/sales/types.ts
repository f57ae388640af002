import type { RoleName } from '../auth/users.schema.ts';
import type { TenantDb } from '../db/tenant-scope.ts';

/** Who is acting, and the tenant-scoped client they act through (req.scope has this shape). */
export interface Actor {
  tenantId: number;
  userId: number;
  role: RoleName;
  db: TenantDb;
}

/** The outcome of an idempotent create: where its result lives, and whether this was a repeat. */
export interface Created {
  id: number;
  url: string;
  replayed: boolean;
}
