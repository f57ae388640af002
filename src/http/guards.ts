import type { Request } from 'express';
import { ForbiddenError } from '../errors.ts';
import type { RoleName } from '../auth/users.schema.ts';
import { scopeOf } from './request-scope.ts';

// One-liner guards that throw; the error handler turns them into the 403 page.
// Roles are ordered: owner > manager > staff. `requireRole(req, 'manager')` lets managers
// and owners through.

const rank: Record<RoleName, number> = { staff: 1, manager: 2, owner: 3 };

export function roleAtLeast(role: RoleName, minimum: RoleName): boolean {
  return rank[role] >= rank[minimum];
}

export function requireRole(req: Request, minimum: RoleName): void {
  if (!roleAtLeast(scopeOf(req).role, minimum)) throw new ForbiddenError();
}
