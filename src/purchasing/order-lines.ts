import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import type { PurchaseOrderInput } from './orders.schema.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

/** What the user typed or picked in a line's product box: "SKU — name", a SKU or a barcode. */
function typed(text: string): string {
  return (text.split(' — ')[0] ?? text).trim();
}

export interface PricedLine {
  productId: number;
  quantity: string;
  unitCost: string;
}

/**
 * An order's lines with their products (this business's, active) and unit costs: a blank cost
 * is the product's last cost, else its average cost when it has one. Field messages by line.
 */
export async function priceOrderLines(
  tx: Pick<TenantTransaction, 'product'>,
  lines: PurchaseOrderInput['lines'],
): Promise<{ lines: PricedLine[]; errors: Record<string, string> }> {
  const ids = lines.flatMap((l) => (l.productId !== undefined ? [l.productId] : []));
  const texts = lines.flatMap((l) => (l.productId === undefined && l.product ? [typed(l.product)] : []));
  const codes = texts.map((t) => t.toUpperCase());
  const rows = await tx.product.findMany({
    where: { OR: [{ id: { in: ids } }, { sku: { in: texts, mode: 'insensitive' } }, { barcodes: { some: { code: { in: codes } } } }] },
    select: {
      id: true,
      sku: true,
      active: true,
      cost: true,
      lastCost: true,
      barcodes: { where: { code: { in: codes } }, select: { code: true } },
    },
  });
  const errors: Record<string, string> = {};
  const priced: PricedLine[] = [];
  lines.forEach((line, i) => {
    const text = line.productId === undefined ? typed(line.product ?? '').toLowerCase() : '';
    const product =
      line.productId !== undefined
        ? rows.find((p) => p.id === line.productId)
        : (rows.find((p) => p.sku.toLowerCase() === text) ?? rows.find((p) => p.barcodes.some((b) => b.code === text.toUpperCase())));
    if (!product) {
      errors[`lines.${i}.product`] = 'No product with this SKU or barcode; choose one from the list';
      return;
    }
    if (!product.active) {
      errors[`lines.${i}.product`] = 'This product is inactive; make it active again to order it';
      return;
    }
    const known: Decimal | null = product.lastCost ?? (product.cost.greaterThan(0) ? product.cost : null);
    const unitCost = line.unitCost ?? known?.toFixed(2);
    if (unitCost === undefined) {
      errors[`lines.${i}.unitCost`] = 'Enter the unit cost: this product has no cost yet';
      return;
    }
    priced.push({ productId: product.id, quantity: line.quantity, unitCost });
  });
  return { lines: priced, errors };
}

/** Σ quantity × unit cost, half-up to the cent per line. */
export function orderValue(lines: ReadonlyArray<{ quantity: Decimal; unitCost: Decimal }>): Decimal {
  return lines.reduce((sum, l) => sum.plus(lineValue(l.quantity, l.unitCost)), new Decimal(0));
}

export function lineValue(quantity: Decimal, unitCost: Decimal): Decimal {
  return quantity.times(unitCost).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}
