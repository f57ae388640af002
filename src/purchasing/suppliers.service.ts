import { Prisma } from '../generated/prisma/client.ts';
import { assertCan } from '../auth/index.ts';
import type { TransactionDeps } from '../core.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { NewSupplierSchema, SupplierSchema, type SupplierInput } from './suppliers.schema.ts';

export const SUPPLIERS_PAGE_SIZE = 25;
export const ORDER_REFUSED = 'Only managers and owners can manage suppliers and purchase orders.';

export interface SupplierRow {
  id: number;
  name: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  paymentTermsDays: number;
  owed: Prisma.Decimal;
}

/** Optional fields left blank are stored as null (an edit clears them). */
export function supplierColumns(data: SupplierInput) {
  return {
    name: data.name,
    paymentTermsDays: data.paymentTermsDays,
    contactName: data.contactName ?? null,
    email: data.email ?? null,
    phone: data.phone ?? null,
    address: data.address ?? null,
    taxId: data.taxId ?? null,
    notes: data.notes ?? null,
  };
}

/** Who the business buys from: list with search, read, create, edit. Managers and owners (`purchase.order`). */
export class SuppliersService {
  constructor(private readonly deps: TransactionDeps) {}

  async list(actor: Scope, query: { q?: string; page?: number } = {}) {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const q = (query.q ?? '').trim();
    const where: Prisma.SupplierWhereInput = q
      ? { OR: (['name', 'contactName', 'email', 'phone', 'taxId'] as const).map((f) => ({ [f]: { contains: q, mode: 'insensitive' } })) }
      : {};
    const total = await actor.db.supplier.count({ where });
    const pages = Math.max(1, Math.ceil(total / SUPPLIERS_PAGE_SIZE));
    const page = Math.min(Math.max(1, query.page ?? 1), pages);
    const [rows, owed] = await Promise.all([
      actor.db.supplier.findMany({
        where,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        skip: (page - 1) * SUPPLIERS_PAGE_SIZE,
        take: SUPPLIERS_PAGE_SIZE,
        select: { id: true, name: true, contactName: true, email: true, phone: true, paymentTermsDays: true, owed: true },
      }),
      actor.db.supplier.aggregate({ _sum: { owed: true } }),
    ]);
    return { rows: rows satisfies SupplierRow[], total, page, pages, owedTotal: owed._sum.owed ?? new Prisma.Decimal(0) };
  }

  /** For pickers: every supplier's id and name (bounded). */
  async options(actor: Scope): Promise<Array<{ id: number; name: string }>> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    return actor.db.supplier.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true }, take: 2000 });
  }

  async get(actor: Scope, id: number) {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    return found(await actor.db.supplier.findFirst({ where: { id } }), 'Supplier');
  }

  /** A new supplier; a second submission of the same form finds the first. */
  async create(actor: Scope, input: unknown): Promise<Created> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(NewSupplierSchema, input, 'Please correct the marked fields.');
    return createOnce(this.deps, actor, data.token, async (uow) => {
      const { id } = await uow.tx.supplier.create({ data: { ...supplierColumns(data), tenantId: actor.tenantId }, select: { id: true } });
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'supplier.saved');
      return { id, url: `/purchasing/suppliers/${id}` };
    });
  }

  async update(actor: Scope, id: number, input: unknown): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(SupplierSchema, input, 'Please correct the marked fields.');
    await inTransaction(actor.db, async (uow) => {
      const { count } = await uow.tx.supplier.updateMany({ where: { id }, data: supplierColumns(data) });
      if (count !== 1) found(null, 'Supplier');
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'supplier.saved');
    });
  }
}
