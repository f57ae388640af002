import { Prisma, type PurchaseOrderStatus } from '../generated/prisma/client.ts';
import type { z } from 'zod';
import { assertCan } from '../auth/index.ts';
import type { Scope } from '../db/scope.ts';
import type { CacheService } from '../cache/index.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { ConflictError, ValidationError, found } from '../db/errors.ts';
import { fieldErrors } from '../db/input.ts';
import { receivePurchases } from '../stock/index.ts';
import { PurchaseOrderSchema, ReceiptSchema, SupplierSchema, type SupplierInput } from './purchasing.schema.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

const ORDER_REFUSED = 'Only managers and owners can manage suppliers and purchase orders.';
const RECEIVE_REFUSED = 'You may not receive goods.';
export const SUPPLIERS_PAGE_SIZE = 50;

function parse<T extends z.ZodType>(schema: T, input: unknown, message: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(message, fieldErrors(parsed.error));
  return parsed.data;
}

export interface SupplierRow {
  id: number;
  name: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  paymentTermsDays: number;
}

/**
 * Suppliers: list with search, read, create, edit. Managers and owners (`purchase.order`);
 * another business's supplier is not found (the tenant-scoped client).
 */
export class SuppliersService {
  async list(actor: Scope, query: { q?: string; page?: number } = {}): Promise<{ rows: SupplierRow[]; total: number; page: number }> {
    const q = (query.q ?? '').trim();
    const where: Prisma.SupplierWhereInput = q
      ? {
          OR: [
            { name: { contains: q, mode: 'insensitive' } },
            { contactName: { contains: q, mode: 'insensitive' } },
            { email: { contains: q, mode: 'insensitive' } },
            { taxId: { contains: q, mode: 'insensitive' } },
          ],
        }
      : {};
    const total = await actor.db.supplier.count({ where });
    const pages = Math.max(1, Math.ceil(total / SUPPLIERS_PAGE_SIZE));
    const page = Math.min(Math.max(1, query.page ?? 1), pages);
    const rows = await actor.db.supplier.findMany({
      where,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      skip: (page - 1) * SUPPLIERS_PAGE_SIZE,
      take: SUPPLIERS_PAGE_SIZE,
      select: { id: true, name: true, contactName: true, email: true, phone: true, paymentTermsDays: true },
    });
    return { rows, total, page };
  }

  async get(actor: Scope, id: number) {
    return found(await actor.db.supplier.findFirst({ where: { id } }), 'Supplier');
  }

  async create(actor: Scope, input: unknown): Promise<{ id: number }> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parse(SupplierSchema, input, 'Check the supplier.');
    return actor.db.supplier.create({ data: { ...nullable(data), tenantId: actor.tenantId }, select: { id: true } });
  }

  async update(actor: Scope, id: number, input: unknown): Promise<{ id: number }> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parse(SupplierSchema, input, 'Check the supplier.');
    const { count } = await actor.db.supplier.updateMany({ where: { id }, data: nullable(data) });
    if (count !== 1) found(null, 'Supplier');
    return { id };
  }
}

/** Optional fields left blank are stored as null (an edit clears them). */
function nullable(data: SupplierInput) {
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

export interface ReceiptResult {
  status: PurchaseOrderStatus;
  /** Each received product's moving-average cost after the receipt. */
  costs: Map<number, Decimal>;
}

const OPEN_FOR_RECEIPT: readonly PurchaseOrderStatus[] = ['ordered', 'partly_received'];

/**
 * Purchase orders: draft → ordered → partly received → received, or cancelled. Managers and
 * owners create, order and cancel (`purchase.order`); staff receive (`purchase.receive`).
 * Numbers are per business, taken from tenants.last_purchase_order_number in the creating
 * transaction.
 */
export class PurchaseOrdersService {
  constructor(private readonly deps: { cache: CacheService }) {}

  async get(actor: Scope, id: number) {
    return found(
      await actor.db.purchaseOrder.findFirst({
        where: { id },
        include: {
          supplier: { select: { id: true, name: true } },
          lines: { orderBy: { lineNo: 'asc' }, include: { product: { select: { id: true, sku: true, name: true } } } },
        },
      }),
      'Purchase order',
    );
  }

  async list(actor: Scope, query: { status?: PurchaseOrderStatus; supplierId?: number } = {}) {
    return actor.db.purchaseOrder.findMany({
      where: { ...(query.status ? { status: query.status } : {}), ...(query.supplierId ? { supplierId: query.supplierId } : {}) },
      orderBy: { number: 'desc' },
      take: 200,
      select: { id: true, number: true, status: true, createdAt: true, orderedAt: true, supplier: { select: { id: true, name: true } } },
    });
  }

  /** A draft order; the supplier and every product must be this business's. */
  async create(actor: Scope, input: unknown): Promise<{ id: number; number: number }> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parse(PurchaseOrderSchema, input, 'Check the purchase order.');
    return inTransaction(actor.db, async (uow) => {
      const { tx } = uow;
      const errors: Record<string, string> = {};
      if (!(await tx.supplier.findFirst({ where: { id: data.supplierId }, select: { id: true } })))
        errors.supplierId = 'Unknown supplier; choose one from the list';
      const ids = [...new Set(data.lines.map((l) => l.productId))];
      const known = new Set((await tx.product.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((p) => p.id));
      data.lines.forEach((l, i) => {
        if (!known.has(l.productId)) errors[`lines.${i}.productId`] = 'Unknown product; choose one from the list';
      });
      if (Object.keys(errors).length) throw new ValidationError('Please correct the marked fields.', errors);
      const { lastPurchaseOrderNumber: number } = await tx.tenant.update({
        where: { id: actor.tenantId },
        data: { lastPurchaseOrderNumber: { increment: 1 } },
        select: { lastPurchaseOrderNumber: true },
      });
      const order = await tx.purchaseOrder.create({
        data: {
          tenantId: actor.tenantId,
          number,
          supplierId: data.supplierId,
          note: data.note ?? null,
          createdById: actor.userId,
        },
        select: { id: true, number: true },
      });
      await tx.purchaseOrderLine.createMany({
        data: data.lines.map((l, i) => ({
          tenantId: actor.tenantId,
          purchaseOrderId: order.id,
          lineNo: i + 1,
          productId: l.productId,
          quantity: l.quantity,
          unitCost: l.unitCost,
        })),
      });
      return order;
    });
  }

  /** Sends a draft to the supplier: it can now be received. */
  async order(actor: Scope, id: number): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    await this.move(actor, id, ['draft'], { status: 'ordered', orderedAt: new Date() }, 'Only a draft can be ordered.');
  }

  /** Cancels what is not received yet; receipts already made stand. */
  async cancel(actor: Scope, id: number): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    await this.move(actor, id, ['draft', 'ordered', 'partly_received'], { status: 'cancelled' }, 'A received order cannot be cancelled.');
  }

  private async move(
    actor: Scope,
    id: number,
    from: PurchaseOrderStatus[],
    data: Prisma.PurchaseOrderUpdateManyMutationInput,
    refused: string,
  ): Promise<void> {
    const { count } = await actor.db.purchaseOrder.updateMany({ where: { id, status: { in: from } }, data });
    if (count !== 1) {
      found(await actor.db.purchaseOrder.findFirst({ where: { id }, select: { id: true } }), 'Purchase order');
      throw new ConflictError(refused);
    }
  }

  /**
   * Receives all or part of any lines, in one transaction: the order row locked (receipts of
   * one order take turns), more than ordered refused unless confirmed, each line's received
   * quantity up, stock and average cost up through the stock ledger (a purchase movement
   * tied to the line, at its unit cost), and the order's status from what is now received.
   */
  async receive(actor: Scope, id: number, input: unknown): Promise<ReceiptResult> {
    assertCan(actor, 'purchase.receive', RECEIVE_REFUSED);
    const data = parse(ReceiptSchema, input, 'Check the quantities received.');
    return inTransaction(actor.db, async (uow) => {
      const { tx } = uow;
      const [order] = await tx.$queryRaw<Array<{ id: number; number: number; status: PurchaseOrderStatus }>>(
        Prisma.sql`SELECT id, number, status FROM purchase_orders WHERE tenant_id = ${actor.tenantId} AND id = ${id} FOR UPDATE`,
      );
      if (!order) found(null, 'Purchase order');
      if (!OPEN_FOR_RECEIPT.includes(order!.status)) throw new ConflictError('Only an ordered purchase can be received.');
      const lines = await tx.purchaseOrderLine.findMany({ where: { purchaseOrderId: id }, orderBy: { lineNo: 'asc' } });
      const byId = new Map(lines.map((l) => [l.id, l]));
      const wanted = new Map<number, Decimal>();
      const errors: Record<string, string> = {};
      data.lines.forEach((r, i) => {
        const line = byId.get(r.lineId);
        if (!line) errors[`lines.${i}.lineId`] = 'Unknown order line';
        else wanted.set(line.id, (wanted.get(line.id) ?? new Decimal(0)).plus(r.quantity));
      });
      for (const [lineId, q] of wanted) {
        const line = byId.get(lineId)!;
        const after = line.receivedQuantity.plus(q);
        if (after.greaterThan(line.quantity) && !data.confirmOver)
          errors[`line.${line.lineNo}`] =
            `Line ${line.lineNo}: ${after.toFixed()} would be received of ${line.quantity.toFixed()} ordered; confirm to receive more than ordered.`;
      }
      if (Object.keys(errors).length) throw new ValidationError('Please correct the marked lines; nothing was received.', errors);
      const at = new Date();
      for (const [lineId, q] of wanted)
        await tx.purchaseOrderLine.updateMany({ where: { id: lineId }, data: { receivedQuantity: { increment: q } } });
      const costs = await receivePurchases(
        tx,
        actor.tenantId,
        [...wanted].map(([lineId, q]) => {
          const line = byId.get(lineId)!;
          return {
            productId: line.productId,
            quantity: q,
            unitCost: line.unitCost,
            purchaseOrderLineId: line.id,
            reason: data.note ? `Purchase order #${order!.number}: ${data.note}` : `Purchase order #${order!.number}`,
            userId: actor.userId,
            at,
          };
        }),
      );
      const done = lines.every((l) => l.receivedQuantity.plus(wanted.get(l.id) ?? 0).greaterThanOrEqualTo(l.quantity));
      const status: PurchaseOrderStatus = done ? 'received' : 'partly_received';
      await tx.purchaseOrder.updateMany({ where: { id }, data: { status } });
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.received');
      return { status, costs };
    });
  }
}
