import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

// Tenant isolation by construction: services never get the bare client for tenant data,
// only `forTenant(prisma, tenantId)`, which adds the tenant to every read, write, update
// and delete of a tenant-owned model, and refuses a query that names another tenant.

const tenantOwned = new Set<string>(['User', 'Category', 'Unit', 'Product', 'Customer', 'Sale', 'SaleLine', 'Payment', 'StockMovement', 'BalanceDay', 'FormSubmission']);

export class TenantScopeError extends Error {
  static code = 'E_TENANT_SCOPE';
}

type Args = Record<string, unknown> & { where?: Record<string, unknown>; data?: unknown; create?: unknown };

function scopeWhere(where: Record<string, unknown> | undefined, tenantId: number, model: string): Record<string, unknown> {
  if (where && 'tenantId' in where && where.tenantId !== tenantId) {
    throw new TenantScopeError(`${model} query names tenant ${String(where.tenantId)} inside tenant ${tenantId}'s scope`);
  }
  return { ...where, tenantId };
}

function scopeData(data: unknown, tenantId: number, model: string): unknown {
  if (Array.isArray(data)) return data.map((d) => scopeData(d, tenantId, model));
  if (!data || typeof data !== 'object') return data;
  const row = data as Record<string, unknown>;
  if ('tenantId' in row && row.tenantId !== tenantId) {
    throw new TenantScopeError(`${model} write names tenant ${String(row.tenantId)} inside tenant ${tenantId}'s scope`);
  }
  if ('tenant' in row) throw new TenantScopeError(`${model} write must not connect a tenant; the scope sets it`);
  return { ...row, tenantId };
}

export function scopeArgs(model: string, operation: string, args: Args, tenantId: number): Args {
  switch (operation) {
    case 'create':
      return { ...args, data: scopeData(args.data, tenantId, model) };
    case 'createMany':
    case 'createManyAndReturn':
      return { ...args, data: scopeData(args.data, tenantId, model) };
    case 'upsert':
      return { ...args, where: scopeWhere(args.where, tenantId, model), create: scopeData(args.create, tenantId, model) };
    case 'update':
    case 'updateMany':
    case 'updateManyAndReturn':
      if (args.data && typeof args.data === 'object' && 'tenantId' in (args.data as object)) {
        throw new TenantScopeError(`${model} update must not change tenantId`);
      }
      return { ...args, where: scopeWhere(args.where, tenantId, model) };
    default:
      // find*, count, aggregate, groupBy, delete, deleteMany
      return { ...args, where: scopeWhere(args.where, tenantId, model) };
  }
}

export function forTenant(prisma: PrismaClient, tenantId: number) {
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0) throw new TenantScopeError(`invalid tenant id ${String(tenantId)}`);
  return prisma.$extends(
    Prisma.defineExtension({
      name: 'tenant-scope',
      query: {
        $allModels: {
          async $allOperations({ model, operation, args, query }) {
            if (!tenantOwned.has(model)) return query(args);
            return query(scopeArgs(model, operation, (args ?? {}) as Args, tenantId) as typeof args);
          },
        },
      },
    }),
  );
}

export type TenantDb = ReturnType<typeof forTenant>;
