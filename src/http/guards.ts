import type { Request } from 'express';
import { assertCan, type Action } from '../auth/permissions.ts';
import { ForbiddenError } from '../errors.ts';
import type { RoleName } from '../auth/users.schema.ts';
import { scopeOf } from './request-scope.ts';

// One-liner guards that throw; the error handler turns them into the 403 page. What a role
// may do is the permission table's (src/auth/permissions.ts), and the services check it
// themselves: a router guard is only for a page that calls no service that would refuse.

export function requireCan(req: Request, action: Action): void {
  assertCan(scopeOf(req).role, action);
}

// Roles are ordered: owner > manager > staff. Prefer `requireCan`: an action names why.
const rank: Record<RoleName, number> = { staff: 1, manager: 2, owner: 3 };

export function roleAtLeast(role: RoleName, minimum: RoleName): boolean {
  return rank[role] >= rank[minimum];
}

export function requireRole(req: Request, minimum: RoleName): void {
  if (!roleAtLeast(scopeOf(req).role, minimum)) throw new ForbiddenError();
}
