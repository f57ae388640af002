import type { Request } from 'express';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { forTenant, type TenantDb } from '../db/tenant-scope.ts';
import type { Role } from '../generated/prisma/client.ts';

// The one shape every signed-in request carries (docs/decisions/004-tenant-isolation.md).
// It is built by the sign-in guard (src/http/require-sign-in.ts) from the session alone:
// the tenant never comes from a form field, a query string or a URL.

export interface RequestScope {
  tenantId: number;
  userId: number;
  role: Role;
  /** Tenant-scoped Prisma client: every query of a tenant-owned model carries tenantId. */
  db: TenantDb;
}

/** What views get as `currentUser`. */
export interface CurrentUser {
  email: string;
  role: Role;
  name: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set on every signed-in request; undefined on public routes (/login, /health). */
    scope?: RequestScope;
  }
}

/** The request's scope; routers behind the sign-in guard use this instead of `req.scope!`. */
export function scopeOf(req: Request): RequestScope {
  if (!req.scope) throw new Error('scopeOf() called on a request without a signed-in user (route mounted before the sign-in guard?)');
  return req.scope;
}

/**
 * forTenant() builds a Prisma extension; doing it once per tenant rather than once per
 * request keeps the per-request cost at a Map lookup. Bounded: the oldest entry goes first.
 */
export function tenantDbFactory(prisma: PrismaClient, maxEntries = 1000): (tenantId: number) => TenantDb {
  const clients = new Map<number, TenantDb>();
  return (tenantId) => {
    let db = clients.get(tenantId);
    if (db) return db;
    db = forTenant(prisma, tenantId);
    if (clients.size >= maxEntries) clients.delete(clients.keys().next().value!);
    clients.set(tenantId, db);
    return db;
  };
}
