import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Role } from '../generated/prisma/enums.ts';
import type { ReportReads } from './report-reads.ts';
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
  /**
   * The client for report reads that tolerate a little lag (never inside a transaction): a
   * read replica that has replayed this user's last commit, else the primary (`db`). Services
   * call reportDbOf(scope); absent on scopes made by hand (tests): the primary then.
   */
  reportDb?: () => Promise<TenantDb>;
}

/** The client for a scope's report reads that tolerate a little lag (see Scope.reportDb). */
export function reportDbOf(scope: Scope): Promise<TenantDb> {
  return scope.reportDb ? scope.reportDb() : Promise.resolve(scope.db);
}

export interface Scopes {
  /** The scope of a user of a business (the only way a Scope is made). */
  scopeFor(who: { tenantId: number; userId: number; role: Role; readAfter?: string | undefined }): Scope;
  /** A tenant's scoped client, for what runs before anyone acts (sign-in, session checks). */
  tenantDb(tenantId: number): TenantDb;
}

/**
 * forTenant() builds a Prisma extension; doing it once per tenant rather than once per
 * request keeps the per-request cost at a Map lookup. Bounded: the oldest entry goes first.
 */
export function scopes(prisma: PrismaClient, reports?: ReportReads, maxEntries = 1000): Scopes {
  const tenantDb = tenantClients(prisma, maxEntries);
  return {
    tenantDb,
    scopeFor: ({ tenantId, userId, role, readAfter }) => {
      const db = tenantDb(tenantId);
      const scope: Scope = { tenantId, userId, role, db };
      if (reports) scope.reportDb = () => reports.reportDb(tenantId, readAfter, db);
      return scope;
    },
  };
}

/** Memoised forTenant() clients on one database (the primary, or a read replica). */
export function tenantClients(prisma: PrismaClient, maxEntries = 1000): (tenantId: number) => TenantDb {
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
