import type { TenantDb } from '../db/tenant-scope.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { say } from '../i18n/index.ts';

// A product's barcodes live in product_barcodes, unique per business: a scanned code names
// at most one product. Every product search matches a code exactly (upper-cased as stored).

type Db = TenantDb | TenantTransaction;

/** The `barcodes` field message when a code already belongs to another product of the business. */
export async function barcodeErrors(db: Db, codes: readonly string[], productId?: number): Promise<Record<string, string>> {
  if (!codes.length) return {};
  const taken = await db.productBarcode.findFirst({
    where: { code: { in: [...codes] }, ...(productId === undefined ? {} : { productId: { not: productId } }) },
    select: { code: true, product: { select: { sku: true, name: true } } },
  });
  return taken ? { barcodes: barcodeTaken(taken.code, taken.product) } : {};
}

/** "Barcode … already belongs to “…” (SKU)", in the reader's language. */
export function barcodeTaken(code: string, owner: { name: string; sku: string }): string {
  return say('Barcode {{code}} already belongs to “{{name}}” ({{sku}})', { code, name: owner.name, sku: owner.sku });
}

/** Makes the product's barcodes exactly `codes` (a code of another product: unique violation). */
export async function replaceBarcodes(tx: TenantTransaction, tenantId: number, productId: number, codes: readonly string[]): Promise<void> {
  await tx.productBarcode.deleteMany({ where: { productId, code: { notIn: [...codes] } } });
  const kept = new Set((await tx.productBarcode.findMany({ where: { productId }, select: { code: true } })).map((b) => b.code));
  const added = codes.filter((code) => !kept.has(code));
  if (added.length) await tx.productBarcode.createMany({ data: added.map((code) => ({ tenantId, productId, code })) });
}

/** The where-clause part matching a typed search against barcodes. */
export function barcodeMatch(text: string) {
  return { barcodes: { some: { code: text.trim().toUpperCase() } } };
}

export const barcodeCodes = { select: { code: true }, orderBy: { id: 'asc' as const } };
