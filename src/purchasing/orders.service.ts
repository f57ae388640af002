import { Prisma, type PurchaseOrderStatus } from '../generated/prisma/client.ts';
import { assertCan, can } from '../auth/index.ts';
import type { TransactionDeps } from '../core.ts';
import type { DomainEvent } from '../cache/index.ts';
import { ConflictError, ValidationError, found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import { inTransaction, type TenantTransaction } from '../db/unit-of-work.ts';
import { NewPurchaseOrderSchema, PurchaseOrderSchema, type PurchaseOrderInput } from './orders.schema.ts';
import { lineValue, orderValue, priceOrderLines, type PricedLine } from './order-lines.ts';
import { ORDER_REFUSED } from './suppliers.service.ts';

export const ORDERS_PAGE_SIZE = 25;
export const NOT_A_DRAFT = 'Only a draft can be edited; this order was sent to the supplier.';
const RECEIVE_REFUSED = 'You may not receive goods.';
const INVALID = 'Please correct the marked fields.';

/** Orders that can still be received (and whose outstanding quantities are "on order"). */
export const OPEN_FOR_RECEIPT: readonly PurchaseOrderStatus[] = ['ordered', 'partly_received'];
export const ORDER_STATUSES: readonly PurchaseOrderStatus[] = ['draft', 'ordered', 'partly_received', 'received', 'cancelled'];

export interface OrderFilters {
  status?: PurchaseOrderStatus;
  supplierId?: number;
  page?: number;
}

/**
 * Purchase orders: draft → ordered → partly received → received, or cancelled. Managers and
 * owners create, edit drafts, order and cancel (`purchase.order`); staff see orders to receive
 * them (`purchase.receive`), without costs unless they may see costs. Numbers are per business,
 * taken from tenants.last_purchase_order_number in the creating transaction.
 */
export class PurchaseOrdersService {
  constructor(private readonly deps: TransactionDeps) {}

  async list(actor: Scope, filters: OrderFilters = {}) {
    assertCan(actor, 'purchase.receive', RECEIVE_REFUSED);
    const where: Prisma.PurchaseOrderWhereInput = {
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.supplierId ? { supplierId: filters.supplierId } : {}),
    };
    const total = await actor.db.purchaseOrder.count({ where });
    const pages = Math.max(1, Math.ceil(total / ORDERS_PAGE_SIZE));
    const page = Math.min(Math.max(1, filters.page ?? 1), pages);
    const rows = await actor.db.purchaseOrder.findMany({
      where,
      orderBy: { number: 'desc' },
      skip: (page - 1) * ORDERS_PAGE_SIZE,
      take: ORDERS_PAGE_SIZE,
      select: {
        id: true,
        number: true,
        status: true,
        createdAt: true,
        orderedAt: true,
        supplier: { select: { id: true, name: true } },
        lines: { select: { quantity: true, unitCost: true } },
      },
    });
    const seesCost = can(actor, 'cost.see');
    const orders = rows.map(({ lines, ...o }) => ({ ...o, lineCount: lines.length, value: seesCost ? orderValue(lines) : null }));
    return { orders, total, page, pages };
  }

  /** A draft, for its edit form: an order already sent is refused. */
  async draft(actor: Scope, id: number) {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const order = await this.get(actor, id);
    if (order.status !== 'draft') throw new ConflictError(NOT_A_DRAFT);
    return order;
  }

  async get(actor: Scope, id: number) {
    assertCan(actor, 'purchase.receive', RECEIVE_REFUSED);
    const order = found(
      await actor.db.purchaseOrder.findFirst({
        where: { id },
        include: {
          supplier: { select: { id: true, name: true, paymentTermsDays: true } },
          lines: {
            orderBy: { lineNo: 'asc' },
            include: { product: { select: { id: true, sku: true, name: true, supplierCode: true, unit: { select: { code: true } } } } },
          },
          receipts: {
            orderBy: { id: 'asc' },
            select: { id: true, receivedAt: true, total: true, createdBy: { select: { name: true, email: true } } },
          },
        },
      }),
      'Purchase order',
    );
    const seesCost = can(actor, 'cost.see');
    return {
      ...order,
      value: seesCost ? orderValue(order.lines) : null,
      lines: order.lines.map((l) => ({
        ...l,
        unitCost: seesCost ? l.unitCost : null,
        lineValue: seesCost ? lineValue(l.quantity, l.unitCost) : null,
        outstanding: Prisma.Decimal.max(l.quantity.minus(l.receivedQuantity), 0),
      })),
      receipts: order.receipts.map((r) => ({ ...r, total: seesCost ? r.total : null })),
    };
  }

  /** A draft order; the supplier and every product must be this business's. */
  async create(actor: Scope, input: unknown): Promise<Created> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(NewPurchaseOrderSchema, input, INVALID);
    return createOnce(this.deps, actor, data.token, async (uow) => {
      const lines = await this.checked(uow.tx, data);
      const id = await createDraft(uow.tx, actor, data.supplierId, data.note ?? null, lines);
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.drafted');
      return { id, url: `/purchasing/orders/${id}` };
    });
  }

  /** Replaces a draft's supplier, note and lines; an order no longer a draft is refused. */
  async update(actor: Scope, id: number, input: unknown): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(PurchaseOrderSchema, input, INVALID);
    await inTransaction(actor.db, async (uow) => {
      const { tx } = uow;
      const status = await lockOrder(tx, actor.tenantId, id);
      if (status !== 'draft') throw new ConflictError(NOT_A_DRAFT);
      const lines = await this.checked(tx, data);
      await tx.purchaseOrderLine.deleteMany({ where: { purchaseOrderId: id } });
      await tx.purchaseOrderLine.createMany({ data: lineRows(actor.tenantId, id, lines) });
      await tx.purchaseOrder.updateMany({ where: { id }, data: { supplierId: data.supplierId, note: data.note ?? null } });
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.drafted');
    });
  }

  /** Sends a draft to the supplier: it can now be received, and its quantities are on order. */
  async order(actor: Scope, id: number): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    await this.move(actor, id, ['draft'], { status: 'ordered', orderedAt: new Date() }, 'purchase.ordered', 'Only a draft can be ordered.');
  }

  /** Cancels what is not received yet; receipts already made stand. */
  async cancel(actor: Scope, id: number): Promise<void> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    await this.move(
      actor,
      id,
      ['draft', 'ordered', 'partly_received'],
      { status: 'cancelled' },
      'purchase.cancelled',
      'This order is already received or cancelled.',
    );
  }

  /** For the order's form: every active product as "SKU — name" (bounded). */
  async productOptions(actor: Scope): Promise<Array<{ sku: string; name: string }>> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    return actor.db.product.findMany({ where: { active: true }, orderBy: { sku: 'asc' }, select: { sku: true, name: true }, take: 5000 });
  }

  /** What a printed or PDF order shows: the business (as on invoices), the supplier, the lines. */
  async document(actor: Scope, id: number) {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const [order, tenant] = await Promise.all([
      actor.db.purchaseOrder.findFirst({
        where: { id },
        include: {
          supplier: true,
          lines: {
            orderBy: { lineNo: 'asc' },
            include: { product: { select: { sku: true, name: true, supplierCode: true, unit: { select: { code: true } } } } },
          },
        },
      }),
      actor.db.tenant.findFirstOrThrow({
        select: {
          name: true,
          legalName: true,
          address: true,
          taxId: true,
          phone: true,
          email: true,
          currency: true,
          timeZone: true,
          locale: true,
        },
      }),
    ]);
    const found_ = found(order, 'Purchase order');
    return {
      order: {
        ...found_,
        value: orderValue(found_.lines),
        lines: found_.lines.map((l) => ({ ...l, lineValue: lineValue(l.quantity, l.unitCost) })),
      },
      buyer: {
        name: tenant.legalName ?? tenant.name,
        tradingName: tenant.legalName && tenant.legalName !== tenant.name ? tenant.name : null,
        addressLines: (tenant.address ?? '').split(/\r?\n/).filter(Boolean),
        taxId: tenant.taxId,
        phone: tenant.phone,
        email: tenant.email,
      },
      display: { currency: tenant.currency, timeZone: tenant.timeZone, locale: tenant.locale },
    };
  }

  private async checked(tx: TenantTransaction, data: PurchaseOrderInput): Promise<PricedLine[]> {
    const errors: Record<string, string> = {};
    if (!(await tx.supplier.findFirst({ where: { id: data.supplierId }, select: { id: true } })))
      errors.supplierId = 'Unknown supplier; choose one from the list';
    const priced = await priceOrderLines(tx, data.lines);
    Object.assign(errors, priced.errors);
    if (Object.keys(errors).length) throw new ValidationError(INVALID, errors);
    return priced.lines;
  }

  private async move(
    actor: Scope,
    id: number,
    from: readonly PurchaseOrderStatus[],
    data: Prisma.PurchaseOrderUpdateManyMutationInput,
    event: DomainEvent,
    refused: string,
  ): Promise<void> {
    await inTransaction(actor.db, async (uow) => {
      const { count } = await uow.tx.purchaseOrder.updateMany({ where: { id, status: { in: [...from] } }, data });
      if (count !== 1) {
        found(await uow.tx.purchaseOrder.findFirst({ where: { id }, select: { id: true } }), 'Purchase order');
        throw new ConflictError(refused);
      }
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, event);
    });
  }
}

/** Locks the order's row (its receipts and edits take turns); another business's order is not found. */
export async function lockOrder(tx: TenantTransaction, tenantId: number, id: number): Promise<PurchaseOrderStatus> {
  const [row] = await tx.$queryRaw<Array<{ status: PurchaseOrderStatus }>>(
    Prisma.sql`SELECT status FROM purchase_orders WHERE tenant_id = ${tenantId} AND id = ${id} FOR UPDATE`,
  );
  return found(row, 'Purchase order').status;
}

function lineRows(tenantId: number, purchaseOrderId: number, lines: readonly PricedLine[]) {
  return lines.map((l, i) => ({
    tenantId,
    purchaseOrderId,
    lineNo: i + 1,
    productId: l.productId,
    quantity: l.quantity,
    unitCost: l.unitCost,
  }));
}

/** A draft with its number (the business's next) and lines, in the caller's transaction. */
export async function createDraft(
  tx: TenantTransaction,
  actor: Scope,
  supplierId: number,
  note: string | null,
  lines: readonly PricedLine[],
): Promise<number> {
  const { lastPurchaseOrderNumber: number } = await tx.tenant.update({
    where: { id: actor.tenantId },
    data: { lastPurchaseOrderNumber: { increment: 1 } },
    select: { lastPurchaseOrderNumber: true },
  });
  const { id } = await tx.purchaseOrder.create({
    data: { tenantId: actor.tenantId, number, supplierId, note, createdById: actor.userId },
    select: { id: true },
  });
  await tx.purchaseOrderLine.createMany({ data: lineRows(actor.tenantId, id, lines) });
  return id;
}
