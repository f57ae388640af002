import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { forTenant, type TenantDb } from './tenant-scope.ts';

// Who is acting, in which business: the one argument every service takes first. A signed-in
// request gets its scope from the sign-in guard, built from the session alone (the tenant never
// comes from a form field, a query string or a URL; docs/decisions/004-tenant-isolation.md);
// the CLI and the demo seed act as the business's first owner (`ownerScope`).

export interface Scope {
  /** The business. */
  tenantId: number;
  /** Who acts: stock movements, audit entries, sales and till closes are theirs. */
  userId: number;
  /** What they may do: the permission table (src/auth/permissions.ts) reads it. */
  role: Role;
  /** Tenant-scoped Prisma client: every query of a tenant-owned model carries tenantId. */
  db: TenantDb;
}

export interface Scopes {
  /** The scope of a user of a business (the only way a Scope is made). */
  scopeFor(who: { tenantId: number; userId: number; role: Role }): Scope;
  /** A tenant's scoped client, for what runs before anyone acts (sign-in, session checks). */
  tenantDb(tenantId: number): TenantDb;
}

/**
 * forTenant() builds a Prisma extension; doing it once per tenant rather than once per
 * request keeps the per-request cost at a Map lookup. Bounded: the oldest entry goes first.
 */
export function scopes(prisma: PrismaClient, maxEntries = 1000): Scopes {
  const clients = new Map<number, TenantDb>();
  const tenantDb = (tenantId: number): TenantDb => {
    let db = clients.get(tenantId);
    if (db) return db;
    db = forTenant(prisma, tenantId);
    if (clients.size >= maxEntries) clients.delete(clients.keys().next().value!);
    clients.set(tenantId, db);
    return db;
  };
  return {
    tenantDb,
    scopeFor: ({ tenantId, userId, role }) => ({ tenantId, userId, role, db: tenantDb(tenantId) }),
  };
}

/**
 * Work done for a business outside a request (the CLI, the demo seed): as its first owner, so
 * the permission table lets it through and what it writes has an author. Refuses a tenant
 * that does not exist, or has no owner.
 */
export async function ownerScope(prisma: PrismaClient, tenantId: number, scopeFor = scopes(prisma).scopeFor): Promise<Scope> {
  const owner = await prisma.user.findFirst({ where: { tenantId, role: 'owner' }, orderBy: { id: 'asc' }, select: { id: true } });
  if (!owner) {
    await requireTenant(prisma, tenantId);
    throw new Error(`Tenant ${tenantId} has no owner`);
  }
  return scopeFor({ tenantId, userId: owner.id, role: 'owner' });
}

/** Stops work outside a request (the CLI) with a clear message when the tenant does not exist. */
export async function requireTenant(prisma: PrismaClient, tenantId: number): Promise<void> {
  if (!(await prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })))
    throw new Error(`There is no tenant ${tenantId}`);
}
