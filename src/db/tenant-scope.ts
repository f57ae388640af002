import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

// Tenant isolation by construction (docs/decisions/004-tenant-isolation.md): services never
// get the bare client for tenant data, only `forTenant(prisma, tenantId)`, which adds the
// tenant to every read, write, update and delete of a tenant-owned model, and refuses a
// query that names another tenant.
//
// Every model must be classified below (the Record type makes a new, unclassified model a
// compile error):
//  - 'owned':  has tenant_id; every operation is scoped by it.
//  - 'root':   the Tenant itself; scoped by id = the tenant, never created or deleted here.
//  - 'infra':  not tenant data (sessions, ...); refused on a tenant-scoped client.
type ModelKind = 'owned' | 'root' | 'infra';
const modelKinds: Record<Prisma.ModelName, ModelKind> = {
  Tenant: 'root',
  User: 'owned',
  Category: 'owned',
  Unit: 'owned',
  Product: 'owned',
  ProductBarcode: 'owned',
  Customer: 'owned',
  Sale: 'owned',
  SaleLine: 'owned',
  Payment: 'owned',
  StockMovement: 'owned',
  BalanceDay: 'owned',
  ProfitDay: 'owned',
  FormSubmission: 'owned',
  CacheInvalidation: 'owned',
  Return: 'owned',
  ReturnLine: 'owned',
  Refund: 'owned',
  TillClose: 'owned',
  AuditEntry: 'owned',
  Supplier: 'owned',
  PurchaseOrder: 'owned',
  PurchaseOrderLine: 'owned',
  PurchaseReceipt: 'owned',
  PurchaseReceiptLine: 'owned',
  SupplierPayment: 'owned',
  BusinessPaymentMethod: 'owned',
  OneTimeLink: 'owned',
  AlertRun: 'owned',
  AlertDelivery: 'owned',
  Session: 'infra',
};

export class TenantScopeError extends Error {
  static code = 'E_TENANT_SCOPE';
}

type Args = Record<string, unknown> & { where?: Record<string, unknown>; data?: unknown; create?: unknown; update?: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** where + { tenantId }; a tenantId (also inside a compound unique key) must be this tenant's. */
function scopeWhere(where: Record<string, unknown> | undefined, tenantId: number, model: string): Record<string, unknown> {
  if (where && 'tenantId' in where && where.tenantId !== tenantId) {
    throw new TenantScopeError(`${model} query names tenant ${JSON.stringify(where.tenantId)} inside tenant ${tenantId}'s scope`);
  }
  for (const [key, value] of Object.entries(where ?? {})) {
    // Compound unique keys such as tenantId_name: { tenantId, name }.
    if (key.includes('_') && isObject(value) && 'tenantId' in value && value.tenantId !== tenantId) {
      throw new TenantScopeError(
        `${model} query names tenant ${JSON.stringify(value.tenantId)} in ${key} inside tenant ${tenantId}'s scope`,
      );
    }
  }
  return { ...where, tenantId };
}

function scopeData(data: unknown, tenantId: number, model: string): unknown {
  if (Array.isArray(data)) return data.map((d) => scopeData(d, tenantId, model));
  if (!isObject(data)) return data;
  if ('tenantId' in data && data.tenantId !== tenantId) {
    throw new TenantScopeError(`${model} write names tenant ${JSON.stringify(data.tenantId)} inside tenant ${tenantId}'s scope`);
  }
  if ('tenant' in data) throw new TenantScopeError(`${model} write must not connect a tenant; the scope sets it`);
  return { ...data, tenantId };
}

function checkUpdateData(data: unknown, model: string): void {
  if (isObject(data) && ('tenantId' in data || 'tenant' in data)) throw new TenantScopeError(`${model} update must not change its tenant`);
}

function scopeRoot(operation: string, args: Args, tenantId: number): Args {
  switch (operation) {
    case 'create':
    case 'createMany':
    case 'createManyAndReturn':
    case 'upsert':
    case 'delete':
    case 'deleteMany':
      throw new TenantScopeError(`Tenant.${operation} is not allowed on a tenant-scoped client`);
    default: {
      const where = args.where;
      if (where && 'id' in where && where.id !== tenantId)
        throw new TenantScopeError(`Tenant query names tenant ${JSON.stringify(where.id)} inside tenant ${tenantId}'s scope`);
      if (operation.startsWith('update') && isObject(args.data) && 'id' in args.data)
        throw new TenantScopeError('Tenant update must not change its id');
      return { ...args, where: { ...where, id: tenantId } };
    }
  }
}

export function scopeArgs(model: string, operation: string, args: Args, tenantId: number): Args {
  const kind = modelKinds[model as Prisma.ModelName];
  if (kind === 'infra' || kind === undefined) throw new TenantScopeError(`${model} is not tenant data; use the bare client`);
  if (kind === 'root') return scopeRoot(operation, args, tenantId);
  switch (operation) {
    case 'create':
    case 'createMany':
    case 'createManyAndReturn':
      return { ...args, data: scopeData(args.data, tenantId, model) };
    case 'upsert':
      checkUpdateData(args.update, model);
      return { ...args, where: scopeWhere(args.where, tenantId, model), create: scopeData(args.create, tenantId, model) };
    case 'update':
    case 'updateMany':
    case 'updateManyAndReturn':
      checkUpdateData(args.data, model);
      return { ...args, where: scopeWhere(args.where, tenantId, model) };
    default:
      // findUnique(OrThrow), findFirst(OrThrow), findMany, count, aggregate, groupBy, delete, deleteMany
      return { ...args, where: scopeWhere(args.where, tenantId, model) };
  }
}

/**
 * A client whose every model query is confined to one tenant. Raw SQL ($queryRaw,
 * $executeRaw) is not rewritten: code that needs it passes the tenant id as a parameter.
 */
export function forTenant(prisma: PrismaClient, tenantId: number) {
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0) throw new TenantScopeError(`invalid tenant id ${String(tenantId)}`);
  return prisma.$extends(
    Prisma.defineExtension({
      name: 'tenant-scope',
      query: {
        $allModels: {
          async $allOperations({ model, operation, args, query }) {
            return query(scopeArgs(model, operation, args ?? {}, tenantId));
          },
        },
      },
    }),
  );
}

export type TenantDb = ReturnType<typeof forTenant>;
