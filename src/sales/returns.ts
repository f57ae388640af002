import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { addToBalanceDays, balanceRows, type BalanceRow } from '../balance/index.ts';
import { addToProfitDays, profitRows, reversed } from '../profit/index.ts';
import { assertCan } from '../auth/index.ts';
import { record } from '../stock/index.ts';
import { localDay } from '../time.ts';
import { ConflictError, NotFoundError, ValidationError } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import { messageFormatter } from '../format/index.ts';
import { say } from '../i18n/index.ts';
import { refundSale, saleMoney } from './refunds.ts';
import { ReturnQuantitySchema, ReturnSchema, type SettlementChoice } from './returns.schema.ts';
import { lineCost, lineTotals, type LineTotals } from './sale-totals.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import type { Scope } from '../db/scope.ts';
import type { SaleStatus } from '../generated/prisma/enums.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

export interface ReturnForm {
  token?: unknown;
  settlement?: unknown;
  reason?: unknown;
  /** Quantity to return per sale line number, as sent. */
  lines: Array<{ lineNo: number; quantity: unknown }>;
}

interface LockedSale {
  id: number;
  number: number;
  customer_id: number | null;
  status: SaleStatus;
  sold_at: Date;
  total: string;
  returned_total: string;
  paid_total: string;
  refunded_total: string;
}

/** The sale row, locked for the rest of the transaction: returns, payments and cancellation of one sale take turns. */
async function lockSale(tx: TenantTransaction, tenantId: number, saleId: number): Promise<LockedSale> {
  const [sale] = await tx.$queryRaw<LockedSale[]>(Prisma.sql`
    SELECT id, number, customer_id, status::text AS status, sold_at, total::text AS total, returned_total::text AS returned_total,
           paid_total::text AS paid_total, refunded_total::text AS refunded_total
      FROM sales WHERE tenant_id = ${tenantId} AND id = ${saleId} FOR UPDATE`);
  if (!sale) throw new NotFoundError('Sale');
  return sale;
}

function moneyOf(sale: LockedSale, returnedTotal = new Decimal(sale.returned_total)) {
  return saleMoney({
    status: sale.status,
    total: new Decimal(sale.total),
    returnedTotal,
    paidTotal: new Decimal(sale.paid_total),
    refundedTotal: new Decimal(sale.refunded_total),
  });
}

const amounts = (t: LineTotals) => ({ subtotal: t.subtotal, tax: t.tax, total: t.total });
const minus = (a: ReturnType<typeof amounts>, b: ReturnType<typeof amounts>) => ({
  subtotal: a.subtotal.minus(b.subtotal),
  tax: a.tax.minus(b.tax),
  total: a.total.minus(b.total),
});

/**
 * Returns some units of some lines of a confirmed sale, in one transaction: each line's
 * returned quantity grows by one conditional update that refuses to pass what was sold (so
 * concurrent returns can never together return more), stock goes back with a `return`
 * movement per line (the units come back at the cost they were sold at, averaged into the
 * product's cost), the sale's worth and its profit drop on the sale's own day in the balance and
 * profit summaries, and what was paid beyond the new worth (at most this return's value) is refunded by the
 * method chosen, or left as the customer's credit. A line's returned value is the line's
 * amount at its new returned quantity minus its amount at the old one, rounded as sales
 * are, so returning every unit, in any number of returns, gives back exactly the line; the
 * cost of goods sold given back telescopes the same way, at the line's unit cost.
 */
export async function createReturn(deps: TransactionDeps, actor: Scope, saleId: number, form: ReturnForm): Promise<Created> {
  assertCan(actor, 'sale.return', 'Only managers and owners can take returns.');
  const input = parseInput(
    ReturnSchema,
    { token: form.token, settlement: form.settlement, reason: form.reason },
    'Please correct the marked fields.',
  );
  const badInput: Record<string, string> = {};
  const wanted: Array<{ lineNo: number; quantity: Decimal }> = [];
  for (const { lineNo, quantity } of [...form.lines].sort((a, b) => a.lineNo - b.lineNo)) {
    const parsed = ReturnQuantitySchema.safeParse(quantity);
    if (!parsed.success) badInput[`lines.${lineNo}.quantity`] = parsed.error.issues[0]?.message ?? 'Quantity to return must be a number';
    else if (parsed.data !== undefined && !new Decimal(parsed.data).isZero()) wanted.push({ lineNo, quantity: new Decimal(parsed.data) });
  }
  if (Object.keys(badInput).length) throw new ValidationError('Please correct the marked fields.', badInput);

  return createOnce(deps, actor, input.token, async (uow) => {
    const { tx } = uow;
    // Per attempt: a transaction retried after a deadlock starts with no refusals.
    const errors: Record<string, string> = {};
    const { tenantId } = actor;
    const sale = await lockSale(tx, tenantId, saleId);
    if (sale.status !== 'confirmed')
      throw new ConflictError(say('Sale #{{number}} is cancelled; nothing can be returned.', { number: sale.number }));
    if (input.settlement === 'credit' && sale.customer_id === null)
      throw new ValidationError('Please correct the marked fields.', {
        settlement: 'A walk-in sale has no account to keep a credit on; give the money back in cash, by card or by transfer',
      });
    const lines = await tx.saleLine.findMany({
      where: { saleId },
      orderBy: { lineNo: 'asc' },
      select: {
        id: true,
        lineNo: true,
        productId: true,
        quantity: true,
        returnedQuantity: true,
        unitPrice: true,
        discountPct: true,
        taxRate: true,
        lineSubtotal: true,
        lineTax: true,
        lineTotal: true,
        unitCost: true,
        lineCost: true,
        product: { select: { name: true, unit: { select: { code: true } } } },
      },
    });
    for (const w of wanted)
      if (!lines.some((l) => l.lineNo === w.lineNo))
        errors[`lines.${w.lineNo}.quantity`] = say('Sale #{{number}} has no line {{line}}', { number: sale.number, line: w.lineNo });
    if (Object.keys(errors).length) throw new ValidationError('Please correct the marked fields.', errors);
    if (!wanted.length) {
      const first = lines[0]?.lineNo ?? 1;
      throw new ValidationError('Enter how many units come back on at least one line.', {
        [`lines.${first}.quantity`]: 'Enter how many units come back',
      });
    }

    const returnedAt = new Date();
    const returned: Array<{ line: (typeof lines)[number]; quantity: Decimal; amount: ReturnType<typeof amounts>; cost: Decimal }> = [];
    const over: string[] = [];
    for (const w of wanted) {
      const line = lines.find((l) => l.lineNo === w.lineNo)!;
      const q = w.quantity.toFixed();
      const [row] = await tx.$queryRaw<Array<{ returned_quantity: string }>>(Prisma.sql`
        UPDATE sale_lines SET returned_quantity = returned_quantity + ${q}::numeric
         WHERE tenant_id = ${tenantId} AND id = ${line.id} AND returned_quantity + ${q}::numeric <= quantity
         RETURNING returned_quantity::text AS returned_quantity`);
      if (!row) {
        const left = line.quantity.minus(line.returnedQuantity);
        const fmt = messageFormatter();
        errors[`lines.${line.lineNo}.quantity`] = say(
          'Only {{left}} {{unit}} of “{{name}}” left to return ({{sold}} sold, {{returned}} returned)',
          {
            left: fmt.quantity(left),
            unit: line.product.unit.code,
            name: line.product.name,
            sold: fmt.quantity(line.quantity),
            returned: fmt.quantity(line.returnedQuantity),
          },
        );
        over.push(
          say('line {{line}} ({{name}}: {{wanted}} wanted, {{left}} left)', {
            line: line.lineNo,
            name: line.product.name,
            wanted: fmt.quantity(w.quantity),
            left: fmt.quantity(left),
          }),
        );
        continue;
      }
      const after = new Decimal(row.returned_quantity);
      const valueAt = (quantity: Decimal) =>
        quantity.equals(line.quantity)
          ? { subtotal: line.lineSubtotal, tax: line.lineTax, total: line.lineTotal }
          : amounts(lineTotals({ quantity, unitPrice: line.unitPrice, discountPct: line.discountPct, taxRate: line.taxRate }));
      const costAt = (quantity: Decimal) => (quantity.equals(line.quantity) ? line.lineCost : lineCost(quantity, line.unitCost));
      returned.push({
        line,
        quantity: w.quantity,
        amount: minus(valueAt(after), valueAt(after.minus(w.quantity))),
        cost: costAt(after).minus(costAt(after.minus(w.quantity))),
      });
    }
    if (over.length)
      throw new ConflictError(say('More than was sold for {{lines}}. Nothing was recorded.', { lines: over.join(', ') }), errors);

    const total = returned.reduce((s, r) => s.plus(r.amount.total), new Decimal(0));
    const subtotal = returned.reduce((s, r) => s.plus(r.amount.subtotal), new Decimal(0));
    const taxTotal = returned.reduce((s, r) => s.plus(r.amount.tax), new Decimal(0));
    const returnedTotal = new Decimal(sale.returned_total).plus(total);
    await tx.$executeRaw(
      Prisma.sql`UPDATE sales SET returned_total = ${returnedTotal.toFixed(2)}::numeric WHERE tenant_id = ${tenantId} AND id = ${saleId}`,
    );

    // Paid beyond the new worth, up to this return's value (an earlier credit stays a credit).
    const beyond = Decimal.max(0, Decimal.min(total, moneyOf(sale, returnedTotal).open.neg()));
    const settlement = beyond.isZero() ? 'none' : input.settlement === 'credit' ? 'credit' : 'refund';
    const created = await tx.return.create({
      data: {
        tenantId,
        saleId,
        returnedAt,
        subtotal,
        taxTotal,
        total,
        settlement,
        reason: input.reason ?? null,
        createdById: actor.userId,
      },
      select: { id: true },
    });
    await tx.returnLine.createMany({
      data: returned.map((r) => ({
        tenantId,
        returnId: created.id,
        saleLineId: r.line.id,
        productId: r.line.productId,
        quantity: r.quantity,
        lineSubtotal: r.amount.subtotal,
        lineTax: r.amount.tax,
        lineTotal: r.amount.total,
        lineCost: r.cost,
      })),
    });
    await record(
      tx,
      tenantId,
      returned.map((r) => ({
        productId: r.line.productId,
        quantity: r.quantity,
        kind: 'return' as const,
        unitCost: r.line.unitCost,
        saleId,
        returnId: created.id,
        userId: actor.userId,
        reason: `Return ${created.id} of sale #${sale.number}`,
        at: returnedAt,
      })),
    );

    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true } });
    const saleDay = localDay(new Date(sale.sold_at), tenant.timeZone);
    const balance: BalanceRow[] = balanceRows(sale.customer_id, saleDay, total.neg(), 0);
    if (settlement === 'refund') {
      await refundSale(tx, tenantId, {
        saleId,
        saleNumber: sale.number,
        customerId: sale.customer_id,
        amount: beyond,
        method: input.settlement as Exclude<SettlementChoice, 'credit'>,
        returnId: created.id,
        userId: actor.userId,
        at: returnedAt,
      });
      balance.push(...balanceRows(sale.customer_id, localDay(returnedAt, tenant.timeZone), 0, beyond.neg()));
    }
    await addToBalanceDays(tx, tenantId, balance);
    await addToProfitDays(
      tx,
      tenantId,
      profitRows(
        saleDay,
        sale.customer_id,
        returned.map((r) => reversed({ productId: r.line.productId, revenue: r.amount.subtotal, cost: r.cost, quantity: r.quantity })),
      ),
    );
    await deps.cache.invalidateAfterCommit(uow, tenantId, 'sale.returned');
    return { id: created.id, url: `/returns/${created.id}` };
  });
}
