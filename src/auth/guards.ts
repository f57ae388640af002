import type { Request } from 'express';
import { assertCan, type Action } from './permissions.ts';
import { scopeOf } from '../http/request-scope.ts';

// One-liner guards that throw; the error handler turns them into the 403 page. What a role
// may do is the permission table's (src/auth/permissions.ts), and the services check it
// themselves: a router guard is only for a page that calls no service that would refuse.

export function requireCan(req: Request, action: Action): void {
  assertCan(scopeOf(req), action);
}
