import { Prisma } from '../generated/prisma/client.ts';
import { assertCan } from '../auth/index.ts';
import type { MemoizeResult } from '../cache/index.ts';
import type { TransactionDeps } from '../core.ts';
import { ValidationError } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { ReorderSchema } from './orders.schema.ts';
import { createDraft } from './orders.service.ts';
import { ORDER_REFUSED } from './suppliers.service.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

/** At most this many products are listed (the most short first within each supplier). */
export const REORDER_LIMIT = 500;

export interface ReorderItem {
  productId: number;
  sku: string;
  name: string;
  unit: string;
  onHand: Decimal;
  onOrder: Decimal;
  reorderLevel: Decimal;
  /** Enough to bring on hand + on order up to twice the reorder level. */
  suggested: Decimal;
  supplierCode: string | null;
  /** The unit cost a draft takes: the last cost, else the average cost (null: none known). */
  unitCost: Decimal | null;
  /** A draft order that already has this product: it is not drafted again. */
  draft: { id: number; number: number } | null;
}

export interface ReorderList {
  groups: Array<{ supplier: { id: number; name: string }; items: ReorderItem[] }>;
  /** Products to reorder that have no preferred supplier: set one to draft them. */
  unassigned: ReorderItem[];
  count: number;
  truncated: boolean;
}

interface Row {
  id: number;
  sku: string;
  name: string;
  unit: string;
  on_hand: Decimal;
  on_order: Decimal;
  reorder_level: Decimal;
  supplier_id: number | null;
  supplier_name: string | null;
  supplier_code: string | null;
  unit_cost: Decimal | null;
  draft_id: number | null;
  draft_number: number | null;
}

type Raw = Pick<TenantDb | TenantTransaction, '$queryRaw'>;

/** Active products with a reorder level whose on hand + on order (ordered, not yet received) is at or below it. */
async function candidates(db: Raw, tenantId: number): Promise<Row[]> {
  return db.$queryRaw<Row[]>(Prisma.sql`
    SELECT p.id, p.sku, p.name, u.code AS unit, p.quantity_on_hand AS on_hand, coalesce(oo.on_order, 0) AS on_order,
           p.reorder_level, s.id AS supplier_id, s.name AS supplier_name, p.supplier_code,
           coalesce(p.last_cost, nullif(p.cost, 0)) AS unit_cost, d.id AS draft_id, d.number AS draft_number
      FROM products p
      JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
      LEFT JOIN suppliers s ON s.tenant_id = p.tenant_id AND s.id = p.preferred_supplier_id
      LEFT JOIN LATERAL (
        SELECT sum(greatest(l.quantity - l.received_quantity, 0)) AS on_order
          FROM purchase_order_lines l
          JOIN purchase_orders o ON o.tenant_id = l.tenant_id AND o.id = l.purchase_order_id
         WHERE l.tenant_id = p.tenant_id AND l.product_id = p.id AND o.status IN ('ordered', 'partly_received')
      ) oo ON true
      LEFT JOIN LATERAL (
        SELECT o.id, o.number
          FROM purchase_order_lines l
          JOIN purchase_orders o ON o.tenant_id = l.tenant_id AND o.id = l.purchase_order_id
         WHERE l.tenant_id = p.tenant_id AND l.product_id = p.id AND o.status = 'draft'
         ORDER BY o.number DESC LIMIT 1
      ) d ON true
     WHERE p.tenant_id = ${tenantId} AND p.active AND p.reorder_level > 0
       AND p.quantity_on_hand + coalesce(oo.on_order, 0) <= p.reorder_level
     ORDER BY s.name NULLS LAST, s.id, (p.quantity_on_hand + coalesce(oo.on_order, 0)) / p.reorder_level, p.sku
     LIMIT ${REORDER_LIMIT + 1}`);
}

function item(r: Row): ReorderItem {
  const onHand = new Decimal(r.on_hand);
  const onOrder = new Decimal(r.on_order);
  const reorderLevel = new Decimal(r.reorder_level);
  return {
    productId: r.id,
    sku: r.sku,
    name: r.name,
    unit: r.unit,
    onHand,
    onOrder,
    reorderLevel,
    suggested: reorderLevel.times(2).minus(onHand).minus(onOrder),
    supplierCode: r.supplier_code,
    unitCost: r.unit_cost === null ? null : new Decimal(r.unit_cost),
    draft: r.draft_id === null ? null : { id: r.draft_id, number: r.draft_number! },
  };
}

/**
 * The "to reorder" list, grouped by preferred supplier (cached with the products, whose
 * events — and purchasing's — invalidate it), and the one step that turns it into draft
 * orders, one per supplier.
 */
export class ReorderService {
  constructor(private readonly deps: TransactionDeps) {}

  list(actor: Scope): Promise<MemoizeResult<ReorderList>> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    return this.deps.cache.module('products').memoize(actor.tenantId, 'reorder', async () => {
      const rows = await candidates(actor.db, actor.tenantId);
      const truncated = rows.length > REORDER_LIMIT;
      const shown = rows.slice(0, REORDER_LIMIT);
      const groups = new Map<number, ReorderList['groups'][number]>();
      const unassigned: ReorderItem[] = [];
      for (const r of shown) {
        if (r.supplier_id === null) {
          unassigned.push(item(r));
          continue;
        }
        const group = groups.get(r.supplier_id) ?? { supplier: { id: r.supplier_id, name: r.supplier_name! }, items: [] };
        group.items.push(item(r));
        groups.set(r.supplier_id, group);
      }
      return { groups: [...groups.values()], unassigned, count: shown.length, truncated };
    });
  }

  /**
   * Draft orders from the list, one per preferred supplier, with the quantities given (blank
   * or zero: left out). The business's row is locked first (as every new order's number
   * does), so two of these at once take turns and the second sees the first's drafts: a
   * product already in a draft, no longer to reorder or without a supplier is left out.
   */
  async createDrafts(actor: Scope, input: unknown): Promise<Created & { drafts: number }> {
    assertCan(actor, 'purchase.order', ORDER_REFUSED);
    const data = parseInput(ReorderSchema, input, 'Please correct the marked fields.');
    const wanted = new Map<number, string>();
    for (const [productId, quantity] of Object.entries(data.items))
      if (quantity !== undefined && !new Decimal(quantity).isZero()) wanted.set(Number(productId), quantity);
    let drafts = 0;
    const created = await createOnce(this.deps, actor, data.token, async (uow) => {
      const { tx } = uow;
      await tx.$queryRaw(Prisma.sql`SELECT id FROM tenants WHERE id = ${actor.tenantId} FOR UPDATE`);
      const bySupplier = new Map<number, Array<{ productId: number; quantity: string; unitCost: string }>>();
      const errors: Record<string, string> = {};
      for (const r of await candidates(tx, actor.tenantId)) {
        const quantity = wanted.get(r.id);
        if (quantity === undefined || r.supplier_id === null || r.draft_id !== null) continue;
        if (r.unit_cost === null) {
          errors[`items.${r.id}`] = 'No cost is known for this product: set its last cost first';
          continue;
        }
        const lines = bySupplier.get(r.supplier_id) ?? [];
        lines.push({ productId: r.id, quantity, unitCost: new Decimal(r.unit_cost).toFixed(2) });
        bySupplier.set(r.supplier_id, lines);
      }
      if (Object.keys(errors).length) throw new ValidationError('Please correct the marked fields.', errors);
      if (!bySupplier.size)
        throw new ValidationError(
          'Nothing to order: enter a quantity for a product that has a preferred supplier and is not in a draft yet.',
        );
      let first = 0;
      for (const [supplierId, lines] of bySupplier) {
        const id = await createDraft(tx, actor, supplierId, null, lines);
        first ||= id;
      }
      drafts = bySupplier.size;
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'purchase.drafted');
      return { id: first, url: '/purchasing/orders?status=draft' };
    });
    return { ...created, drafts };
  }
}
