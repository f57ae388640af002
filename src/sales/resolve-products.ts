import type { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import type { SaleInput } from './sales.schema.ts';
import { say } from '../i18n/index.ts';

export interface LineProduct {
  id: number;
  sku: string;
  name: string;
  price: Prisma.Decimal;
  taxRate: Prisma.Decimal | null;
  active: boolean;
  unit: { code: string };
}

/** What the user typed in a product box: a SKU, a barcode, a name, or a picked "SKU — name". */
function typed(text: string): string {
  return (text.split(' — ')[0] ?? text).trim();
}

/**
 * Each line's product, through the tenant-scoped client (another tenant's product is simply
 * unknown), with a field message for every line whose product is unknown or inactive.
 */
export async function resolveLineProducts(
  tx: Pick<TenantTransaction, 'product'>,
  lines: ReadonlyArray<Pick<SaleInput['lines'][number], 'product' | 'productId'>>,
): Promise<{ products: Array<LineProduct | undefined>; errors: Record<string, string> }> {
  const ids = lines.flatMap((l) => (l.productId !== undefined ? [l.productId] : []));
  const texts = lines.flatMap((l) => (l.productId === undefined && l.product ? [typed(l.product)] : []));
  const codes = texts.map((t) => t.toUpperCase());
  const rows = await tx.product.findMany({
    where: {
      OR: [
        { id: { in: ids } },
        { sku: { in: texts, mode: 'insensitive' } },
        { name: { in: texts, mode: 'insensitive' } },
        { barcodes: { some: { code: { in: codes } } } },
      ],
    },
    select: {
      id: true,
      sku: true,
      name: true,
      price: true,
      taxRate: true,
      active: true,
      unit: { select: { code: true } },
      barcodes: { where: { code: { in: codes } }, select: { code: true } },
    },
  });
  const errors: Record<string, string> = {};
  const products = lines.map((line, i): LineProduct | undefined => {
    let product: LineProduct | undefined;
    if (line.productId !== undefined) {
      product = rows.find((p) => p.id === line.productId);
      if (!product) errors[`lines.${i}.product`] = 'Unknown product; choose one from the list';
    } else {
      const text = typed(line.product ?? '').toLowerCase();
      // A SKU first, then a barcode (unique per business), then a name that only one product has.
      const bySku = rows.find((p) => p.sku.toLowerCase() === text);
      const byBarcode = rows.find((p) => p.barcodes.some((b) => b.code === text.toUpperCase()));
      const byName = rows.filter((p) => p.name.toLowerCase() === text);
      product = bySku ?? byBarcode ?? (byName.length === 1 ? byName[0] : undefined);
      if (!product)
        errors[`lines.${i}.product`] =
          byName.length > 1
            ? say('Several products are called “{{name}}”; choose one by SKU', { name: line.product })
            : say('No product with SKU, barcode or name “{{text}}”', { text: line.product });
    }
    if (product && !product.active) {
      errors[`lines.${i}.product`] = say('“{{name}}” is inactive and cannot be sold', { name: product.name });
      return undefined;
    }
    return product;
  });
  return { products, errors };
}
