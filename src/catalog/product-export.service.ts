import { can } from '../auth/index.ts';
import { stringify } from 'csv-stringify/sync';
import { barcodeCodes } from './barcodes.ts';
import { BARCODE_CSV_SEPARATOR, CSV_COLUMNS, protectCell } from './csv-cells.ts';
import { conventionOf, csvNumber } from './csv-convention.ts';
import type { ProductListService } from './product-list.service.ts';
import type { ProductListQuery } from './products.schema.ts';
import { reportDbOf, type Scope } from '../db/scope.ts';

/**
 * Active products as CSV (the list's search and filters apply), in the import's format. A role
 * that may not see costs gets the file without the cost column (an import of it then keeps
 * the stored costs). Written in the business's convention (its language's delimiter and decimal
 * mark) after a UTF-8 byte-order mark.
 */
export class ProductExportService {
  constructor(private readonly deps: { list: ProductListService }) {}

  async csv(ctx: Scope, query: ProductListQuery): Promise<string> {
    const n = this.deps.list.normalize(query);
    const where = await this.deps.list.where(ctx, n);
    // A report read: a read replica may serve it (src/db/report-reads.ts).
    const db = await reportDbOf(ctx);
    const products = await db.product.findMany({
      where,
      orderBy: [{ sku: 'asc' }, { id: 'asc' }],
      select: {
        sku: true,
        name: true,
        barcodes: barcodeCodes,
        price: true,
        cost: true,
        taxRate: true,
        reorderLevel: true,
        quantityOnHand: true,
        category: { select: { name: true } },
        unit: { select: { code: true } },
      },
    });
    const tenant = await db.tenant.findUnique({ where: { id: ctx.tenantId }, select: { language: true } });
    const convention = conventionOf(tenant?.language);
    const num = (text: string) => csvNumber(text, convention);
    const withCost = can(ctx, 'cost.see');
    const header = CSV_COLUMNS.filter((c) => withCost || c !== 'cost');
    const rows = products.map((p) => [
      p.sku,
      protectCell(p.name),
      p.barcodes.map((b) => b.code).join(BARCODE_CSV_SEPARATOR),
      protectCell(p.category?.name ?? ''),
      p.unit.code,
      num(p.price.toFixed(2)),
      ...(withCost ? [num(p.cost.toFixed(2))] : []),
      p.taxRate === null ? '' : num(p.taxRate.toString()),
      num(p.reorderLevel.toString()),
      num(p.quantityOnHand.toString()),
    ]);
    return '\uFEFF' + stringify([header, ...rows], { delimiter: convention.delimiter });
  }
}
