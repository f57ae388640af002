import { Prisma } from '../generated/prisma/client.ts';

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;
type DecimalValue = string | number | Prisma.Decimal;

// Rounding rule (stated in the README): each line's net amount and each line's tax are
// rounded half-up to cents; the sale's subtotal, tax and total are sums of rounded lines.

export interface LineInput {
  quantity: DecimalValue;
  unitPrice: DecimalValue;
  discountPct?: DecimalValue;
  taxRate?: DecimalValue;
}

export interface LineTotals {
  gross: Decimal;
  discount: Decimal;
  subtotal: Decimal;
  tax: Decimal;
  total: Decimal;
}

const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export function lineTotals(line: LineInput): LineTotals {
  const gross = cents(new Decimal(line.quantity).mul(line.unitPrice));
  const subtotal = cents(
    new Decimal(line.quantity)
      .mul(line.unitPrice)
      .mul(new Decimal(100).minus(line.discountPct ?? 0))
      .div(100),
  );
  const tax = cents(subtotal.mul(line.taxRate ?? 0).div(100));
  return { gross, discount: gross.minus(subtotal), subtotal, tax, total: subtotal.plus(tax) };
}

/** A line's cost of goods sold: quantity × the unit cost it was sold at, half-up to the cent. */
export function lineCost(quantity: DecimalValue, unitCost: DecimalValue): Decimal {
  return cents(new Decimal(quantity).mul(unitCost));
}

export function saleTotals(lines: LineInput[]): {
  lines: LineTotals[];
  subtotal: Decimal;
  discountTotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
} {
  const each = lines.map(lineTotals);
  const sum = (pick: (l: LineTotals) => Decimal) => each.reduce((acc, l) => acc.plus(pick(l)), new Decimal(0));
  const subtotal = sum((l) => l.subtotal);
  const taxTotal = sum((l) => l.tax);
  return { lines: each, subtotal, discountTotal: sum((l) => l.discount), taxTotal, total: subtotal.plus(taxTotal) };
}

export interface TaxRateTotals {
  /** The rate in percent, as stored (e.g. "21.00"). */
  rate: Decimal;
  net: Decimal;
  tax: Decimal;
  total: Decimal;
}

/**
 * Net, tax and total per tax rate, from lines already rounded by lineTotals (stored on
 * sale lines): the sums of the same rounded amounts, so the rates add up to the sale's
 * subtotal, tax and total to the cent. Highest rate first.
 */
export function taxBreakdown(lines: Array<{ taxRate: DecimalValue; subtotal: DecimalValue; tax: DecimalValue }>): TaxRateTotals[] {
  const byRate = new Map<string, TaxRateTotals>();
  for (const line of lines) {
    const rate = new Decimal(line.taxRate).toDecimalPlaces(2);
    const key = rate.toFixed(2);
    const row = byRate.get(key) ?? { rate, net: new Decimal(0), tax: new Decimal(0), total: new Decimal(0) };
    row.net = row.net.plus(line.subtotal);
    row.tax = row.tax.plus(line.tax);
    row.total = row.net.plus(row.tax);
    byRate.set(key, row);
  }
  return [...byRate.values()].sort((a, b) => b.rate.comparedTo(a.rate));
}
