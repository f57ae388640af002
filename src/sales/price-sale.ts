import { Prisma } from '../generated/prisma/client.ts';
import { messageFormatter } from '../format/index.ts';
import { say } from '../i18n/index.ts';
import type { LineProduct } from './resolve-products.ts';
import { saleTotals } from './sale-totals.ts';
import type { SaleInput } from './sales.schema.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// The one place a sale's lines are priced: confirmation records what this computes and the
// form's preview shows what this computes, so the total a customer is shown is the total kept.

export interface PricedLine {
  productId: number;
  quantity: Decimal;
  unitPrice: Decimal;
  discountPct: Decimal;
  taxRate: Decimal;
}

/** Each line's price, discount and tax as typed, else the product's, else the business's default tax. */
export function priceLines(lines: ReadonlyArray<SaleInput['lines'][number]>, products: readonly LineProduct[], defaultTaxRate: Decimal) {
  const priced: PricedLine[] = lines.map((l, i) => {
    const p = products[i]!;
    return {
      productId: p.id,
      quantity: new Decimal(l.quantity),
      unitPrice: new Decimal(l.unitPrice ?? p.price),
      discountPct: new Decimal(l.discountPct ?? 0),
      taxRate: new Decimal(l.taxRate ?? p.taxRate ?? defaultTaxRate),
    };
  });
  return { lines: priced, totals: saleTotals(priced) };
}

/** The refusal of a sale on account that would take the customer over their credit limit, or null. */
export function overCreditLimit(
  customer: { name: string; creditLimit: Decimal | null },
  open: Decimal,
  total: Decimal,
  currency: string,
): string | null {
  if (!customer.creditLimit) return null;
  const after = open.plus(total);
  if (!after.greaterThan(customer.creditLimit)) return null;
  const fmt = messageFormatter(currency);
  return say(
    'Over the credit limit: {{name}} owes {{open}}; with this sale of {{total}} that would be {{after}}, over their limit of {{limit}}.',
    {
      name: customer.name,
      open: fmt.money(open),
      total: fmt.money(total),
      after: fmt.money(after),
      limit: fmt.money(customer.creditLimit),
    },
  );
}

/** Cash handed over for a cash sale: the change due, or the message when it does not cover the total. */
export function changeDue(tendered: Decimal, total: Decimal, currency: string): { change: Decimal } | { error: string } {
  if (tendered.lessThan(total)) {
    const fmt = messageFormatter(currency);
    return {
      error: say('Cash tendered ({{tendered}}) is less than the total ({{total}})', {
        tendered: fmt.money(tendered),
        total: fmt.money(total),
      }),
    };
  }
  return { change: tendered.minus(total) };
}
