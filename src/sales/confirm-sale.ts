import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { balanceRows, openBalance } from '../balance/index.ts';
import { profitRows } from '../profit/index.ts';
import { takeOutForSale } from '../stock/index.ts';
import { localDay } from '../time.ts';
import { ConflictError, ValidationError } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import { messageFormatter } from '../format/index.ts';
import { say } from '../i18n/index.ts';
import { onlyInStock } from './short-stock.ts';
import { resolveLineProducts, type LineProduct } from './resolve-products.ts';
import { changeDue, overCreditLimit, priceLines } from './price-sale.ts';
import { lineCost } from './sale-totals.ts';
import { staffLimitRefusal } from './staff-limits.ts';
import { SaleSchema, type SaleInput } from './sales.schema.ts';
import { createOnce } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { writeSale } from './write-sale.ts';
import type { Created } from '../db/transactions.ts';
import type { Scope } from '../db/scope.ts';
import { assertUsableMethod } from '../settings/index.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

/**
 * Confirms a sale in one transaction: the form token (which reserves the sale's id), the
 * checks (lines, customer, the staff limits), stock out (conditional updates, product by product; each line's
 * cost is its product's average cost read under that lock), then one statement writing
 * number, sale, lines, movements, payment, balance and profit summaries (write-sale.ts); the cache is
 * invalidated after commit. Any refusal (bad line, beyond the staff limits, short stock, over the credit limit)
 * rolls everything back.
 */
export async function confirmSale(deps: TransactionDeps, actor: Scope, raw: unknown): Promise<Created> {
  const input = parseInput(SaleSchema, raw, 'Please correct the marked fields.');
  const reserve = { table: 'sales' as const, prefix: '/sales/' };
  return createOnce(
    deps,
    actor,
    input.token,
    async (uow, saleId) => {
      const { tx } = uow;
      const { tenantId } = actor;
      const { products, errors } = await resolveLineProducts(tx, input.lines);
      const customer =
        input.customerId === undefined
          ? null
          : await tx.customer.findFirst({ where: { id: input.customerId }, select: { id: true, name: true, creditLimit: true } });
      if (input.customerId !== undefined && !customer) errors.customerId = 'Unknown customer; choose one from the list';
      if (Object.keys(errors).length) throw new ValidationError('Please correct the marked fields.', errors);
      const lineProducts = products as LineProduct[];
      const tenant = await tx.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { timeZone: true, defaultTaxRate: true, currency: true, staffMaxDiscountPct: true, staffMayOverridePrice: true },
      });
      if (input.payNow?.customMethodId) await assertUsableMethod(tx, input.payNow.customMethodId, 'payNow');
      const beyondLimits = staffLimitRefusal(actor, tenant, input.lines, lineProducts, tenant.currency);
      if (beyondLimits) throw beyondLimits;

      const { lines, totals } = priceLines(input.lines, lineProducts, tenant.defaultTaxRate);
      const tendered = input.payNow?.kind === 'cash' && input.tendered !== undefined ? new Decimal(input.tendered) : null;
      if (tendered) {
        const cash = changeDue(tendered, totals.total, tenant.currency);
        if ('error' in cash) throw new ValidationError(cash.error, { tendered: cash.error });
      }

      // On account with a credit limit: sales of this customer wait for each other here, so
      // the balance read sees every committed sale; payments and cancellations only lower it.
      if (customer?.creditLimit && !input.payNow) {
        await tx.$queryRaw(Prisma.sql`SELECT id FROM customers WHERE tenant_id = ${tenantId} AND id = ${customer.id} FOR UPDATE`);
        const message = overCreditLimit(customer, await openBalance(tx, customer.id), totals.total, tenant.currency);
        if (message) throw new ConflictError(message, { customerId: message });
      }

      await deps.cache.invalidateAfterCommit(uow, tenantId, 'sale.confirmed');
      const stockOut = await takeOutForSale(tx, tenantId, lines);
      if (stockOut.short.length) throw await shortStock(tx, input, lineProducts, stockOut.short);

      const soldAt = new Date();
      const day = localDay(soldAt, tenant.timeZone);
      const sold = lines.map((l, i) => {
        const unitCost = stockOut.costs.get(l.productId)!;
        return { ...l, totals: totals.lines[i]!, unitCost, lineCost: lineCost(l.quantity, unitCost) };
      });
      await writeSale(tx, {
        id: saleId,
        tenantId,
        stockOut,
        customerId: customer?.id ?? null,
        userId: actor.userId,
        soldAt,
        note: input.note ?? null,
        subtotal: totals.subtotal,
        discountTotal: totals.discountTotal,
        taxTotal: totals.taxTotal,
        total: totals.total,
        payNow: input.payNow,
        cashTendered: tendered,
        lines: sold,
        balance: balanceRows(customer?.id, day, totals.total, input.payNow ? totals.total : 0),
        profit: profitRows(
          day,
          customer?.id,
          sold.map((l) => ({ productId: l.productId, revenue: l.totals.subtotal, cost: l.lineCost, quantity: l.quantity })),
        ),
      });
      return { id: saleId, url: `${reserve.prefix}${saleId}` };
    },
    { reserve },
  );
}

/** The refusal naming each short line and what is available. */
async function shortStock(tx: TenantTransaction, input: SaleInput, products: LineProduct[], short: number[]): Promise<ConflictError> {
  const available = await tx.product.findMany({ where: { id: { in: short } }, select: { id: true, quantityOnHand: true } });
  const fields: Record<string, string> = {};
  const names: string[] = [];
  const fmt = messageFormatter();
  input.lines.forEach((line, i) => {
    const p = products[i]!;
    if (!short.includes(p.id)) return;
    const onHand = available.find((a) => a.id === p.id)?.quantityOnHand ?? new Decimal(0);
    const sameProduct = input.lines.filter((_, j) => products[j]!.id === p.id).length;
    fields[`lines.${i}.quantity`] = onlyInStock(fmt, onHand, p, sameProduct);
    names.push(
      say('line {{line}} ({{name}}: {{wanted}} wanted, {{available}} available)', {
        line: i + 1,
        name: p.name,
        wanted: fmt.quantity(line.quantity),
        available: fmt.quantity(onHand),
      }),
    );
  });
  return new ConflictError(say('Not enough stock for {{lines}}. Nothing was recorded.', { lines: names.join(', ') }), fields);
}
