import type { Request } from 'express';
import type { Role } from '../generated/prisma/enums.ts';
import type { Scope } from '../db/scope.ts';

// A signed-in request carries its Scope (src/db/scope.ts), built once by the sign-in guard
// from the session alone.

/** What views get as `currentUser`. */
export interface CurrentUser {
  email: string;
  role: Role;
  name: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set on every signed-in request; undefined on public routes (/login, /health). */
    scope?: Scope;
  }
}

/** The request's scope; routers behind the sign-in guard use this instead of `req.scope!`. */
export function scopeOf(req: Request): Scope {
  if (!req.scope) throw new Error('scopeOf() called on a request without a signed-in user (route mounted before the sign-in guard?)');
  return req.scope;
}
