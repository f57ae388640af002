import { recordAudit } from '../db/audit-log.ts';
import { assertCan } from '../auth/index.ts';
import { parse } from 'csv-parse/sync';
import { Prisma } from '../generated/prisma/client.ts';
import type { CacheService } from '../cache/index.ts';
import { isUniqueViolation, ConflictError } from '../db/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import type { CategoriesService, UomsService } from '../settings/index.ts';
import { numberRefusal, quantityField } from '../db/fields.ts';
import { say } from '../i18n/index.ts';
import { record, type Movement } from '../stock/index.ts';
import { firstLineWiderThan, unprotectCell, type CsvColumn } from './csv-cells.ts';
import { ProductSchema, type ProductInput } from './products.schema.ts';
import { columns } from './products.service.ts';
import { normalizeSearch } from './search-text.ts';
import { barcodeTaken } from './barcodes.ts';
import type { Scope } from '../db/scope.ts';
import { csvParseRefusal, detectConvention, readNumberCell } from './csv-convention.ts';
import { messageFormatter, withInputLocale } from '../format/index.ts';

// CSV import of products, upsert by SKU, all or nothing: `preview` checks every row and
// says what each would do; `import` checks again and writes only if no row has an error.

export const MAX_IMPORT_ROWS = 10_000;
/** The file has ten columns; anything far wider is not a product file, and is refused before its rows are read. */
export const MAX_IMPORT_COLUMNS = 50;
/** Text from the file is shown back (in the preview and its messages) at most this long. */
const SHOWN_LENGTH = 80;
const COLUMN_LIST = 'sku, name, barcodes, category, unit, price, cost, tax_rate, reorder_level, quantity_on_hand';

function shorten(text: string, max = SHOWN_LENGTH): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const ALIASES: Record<string, CsvColumn> = {
  sku: 'sku',
  name: 'name',
  barcodes: 'barcodes',
  barcode: 'barcodes',
  category: 'category',
  category_name: 'category',
  unit: 'unit',
  unit_code: 'unit',
  uom: 'unit',
  price: 'price',
  cost: 'cost',
  tax_rate: 'tax_rate',
  tax: 'tax_rate',
  reorder_level: 'reorder_level',
  quantity_on_hand: 'quantity_on_hand',
  quantity: 'quantity_on_hand',
  stock: 'quantity_on_hand',
};
const REQUIRED: CsvColumn[] = ['sku', 'name', 'unit', 'price'];
/** Optional columns and the product fields they fill: an update leaves a field alone when the file has no such column. */
const OPTIONAL_FIELDS = {
  barcodes: 'barcodes',
  category: 'categoryId',
  cost: 'cost',
  tax_rate: 'taxRate',
  reorder_level: 'reorderLevel',
} as const;
const QuantityOnHand = quantityField('Quantity on hand');

export interface ImportRow {
  /** Line in the file (the header is line 1). */
  line: number;
  sku: string;
  name: string;
  action: 'create' | 'update';
  errors: string[];
}

export interface ImportPreview {
  rows: ImportRow[];
  /** Problems with the file as a whole (no rows are checked then). */
  fileErrors: string[];
  creates: number;
  updates: number;
  rowsWithErrors: number;
  ok: boolean;
  /** False when the file was refused for its shape (far too wide): the page does not echo it back. */
  echo: boolean;
}

interface ValidRow {
  data: ProductInput;
  quantity: string | undefined;
}

const IMPORT_REFUSED = 'Only managers and owners can import products.';
const STOCK_MOVED = 'Stock changed while the file was imported (a sale took what the file would remove); nothing was imported, try again.';

export class ProductImportService {
  constructor(private readonly deps: { cache: CacheService; categories: CategoriesService; uoms: UomsService }) {}

  async preview(ctx: Scope, text: string): Promise<ImportPreview> {
    assertCan(ctx, 'catalog.import', IMPORT_REFUSED);
    return (await this.analyse(ctx, text)).preview;
  }

  /** Writes every row in one transaction, or nothing when any row (or the file) has an error. */
  async import(ctx: Scope, text: string): Promise<{ preview: ImportPreview; written: boolean }> {
    assertCan(ctx, 'catalog.import', IMPORT_REFUSED);
    const { preview, valid, present } = await this.analyse(ctx, text);
    const absent = Object.entries(OPTIONAL_FIELDS)
      .filter(([column]) => !present.has(column as CsvColumn))
      .map(([, field]) => field as string);
    const updateColumns = (data: ProductInput) =>
      Object.fromEntries(Object.entries(columns(data)).filter(([field]) => !absent.includes(field)));
    if (!preview.ok) return { preview, written: false };
    try {
      await inTransaction(
        ctx.db,
        async (uow) => {
          const tx = uow.tx;
          const existing = await tx.product.findMany({
            where: { sku: { in: valid.map((r) => r.data.sku) } },
            select: { id: true, sku: true, quantityOnHand: true, price: true, cost: true },
          });
          const bySku = new Map(existing.map((p) => [p.sku, p]));
          const movements: Movement[] = [];
          const priced: Array<{ sku: string; field: 'price' | 'cost'; before: string; after: string }> = [];
          const move = (productId: number, quantity: Prisma.Decimal, kind: 'receipt' | 'adjustment', reason: string) =>
            movements.push({ productId, kind, quantity, reason, userId: ctx.userId ?? null });

          const fresh = valid.filter((r) => !bySku.has(r.data.sku));
          const idOfSku = new Map(existing.map((p) => [p.sku, p.id]));
          if (fresh.length) {
            const created = await tx.product.createManyAndReturn({
              data: fresh.map((r) => ({ ...columns(r.data), tenantId: ctx.tenantId })),
              select: { id: true, sku: true },
            });
            for (const p of created) idOfSku.set(p.sku, p.id);
            for (const r of fresh) {
              const opening = new Prisma.Decimal(r.quantity ?? '0');
              if (opening.gt(0)) move(idOfSku.get(r.data.sku)!, opening, 'receipt', 'Opening stock (CSV import)');
            }
          }
          if (present.has('barcodes')) {
            // The file's barcodes replace each imported product's, in two statements for the whole file.
            await tx.productBarcode.deleteMany({ where: { productId: { in: [...idOfSku.values()] } } });
            const codes = valid.flatMap((r) =>
              r.data.barcodes.map((code) => ({ tenantId: ctx.tenantId, productId: idOfSku.get(r.data.sku)!, code })),
            );
            if (codes.length) await tx.productBarcode.createMany({ data: codes });
          }
          for (const row of valid) {
            const current = bySku.get(row.data.sku);
            if (!current) continue;
            const diff = row.quantity === undefined ? undefined : new Prisma.Decimal(row.quantity).minus(current.quantityOnHand);
            // Importing a deactivated product's SKU brings it back. A new cost is a revaluation in the ledger.
            const { cost: newCost, ...rest } = updateColumns(row.data);
            await tx.product.updateMany({ where: { id: current.id }, data: { ...rest, active: true } });
            if (diff && !diff.isZero()) move(current.id, diff, 'adjustment', 'CSV import');
            if (newCost !== undefined && !current.cost.equals(newCost as string))
              movements.push({
                productId: current.id,
                kind: 'revaluation',
                quantity: new Prisma.Decimal(0),
                unitCost: new Prisma.Decimal(newCost as string),
                reason: 'Cost changed by CSV import',
                userId: ctx.userId ?? null,
              });
            for (const field of ['price', 'cost'] as const) {
              const next = updateColumns(row.data)[field] as string | undefined;
              if (next !== undefined && !current[field].equals(next))
                priced.push({ sku: row.data.sku, field, before: current[field].toFixed(2), after: new Prisma.Decimal(next).toFixed(2) });
            }
          }
          // One entry per import: how many rows, and every price and cost it changed.
          await recordAudit(tx, ctx, {
            kind: 'product_import',
            subject: `${valid.length} product${valid.length === 1 ? '' : 's'} from CSV`,
            before: { prices: priced.map(({ sku, field, before }) => ({ sku, [field]: before })) },
            after: {
              created: fresh.length,
              updated: valid.length - fresh.length,
              prices: priced.map(({ sku, field, after }) => ({ sku, [field]: after })),
            },
          });
          const { short } = await record(tx, ctx.tenantId, movements);
          if (short.length) throw new ConflictError(STOCK_MOVED);
          await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'product.imported');
        },
        { timeoutMs: 120_000 },
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(
          'Another change added one of these SKUs or barcodes while importing; nothing was written. Preview the file again.',
        );
      throw error;
    }
    return { preview, written: true };
  }

  /** A row whose barcode belongs to a product with another SKU (one not being re-imported with it) gets an error. */
  private async barcodeOwners(ctx: Scope, valid: ValidRow[], rows: ImportRow[]): Promise<void> {
    const skuOfCode = new Map(valid.flatMap((r) => r.data.barcodes.map((code) => [code, r.data.sku] as const)));
    const codes = [...skuOfCode.keys()];
    const rowOfSku = new Map(rows.map((r) => [r.sku, r]));
    const refused = new Set<string>();
    for (let i = 0; i < codes.length; i += 1000) {
      const owners = await ctx.db.productBarcode.findMany({
        where: { code: { in: codes.slice(i, i + 1000) } },
        select: { code: true, product: { select: { sku: true, name: true } } },
      });
      for (const o of owners) {
        const sku = skuOfCode.get(o.code)!;
        if (o.product.sku === sku) continue;
        rowOfSku.get(sku)?.errors.push(barcodeTaken(o.code, o.product));
        refused.add(sku);
      }
    }
    for (let i = valid.length - 1; i >= 0; i--) if (refused.has(valid[i]!.data.sku)) valid.splice(i, 1);
  }

  private async analyse(ctx: Scope, text: string): Promise<{ preview: ImportPreview; valid: ValidRow[]; present: Set<CsvColumn> }> {
    const fail = (fileErrors: string[], echo = true) => ({
      preview: { rows: [], fileErrors, creates: 0, updates: 0, rowsWithErrors: 0, ok: false, echo },
      valid: [],
      present: new Set<CsvColumn>(),
    });
    if (!text.trim()) return fail(['The file is empty: paste CSV text or choose a .csv file.']);
    const wide = firstLineWiderThan(text, MAX_IMPORT_COLUMNS);
    if (wide)
      return fail(
        [
          say('Line {{line}} has more than {{max}} columns; a product file has at most {{max}}: {{columns}}.', {
            line: wide.line,
            max: MAX_IMPORT_COLUMNS,
            columns: COLUMN_LIST,
          }),
        ],
        false,
      );
    const convention = detectConvention(text);
    let records: string[][];
    try {
      records = parse(text, {
        bom: true,
        delimiter: convention.delimiter,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
      }) satisfies string[][];
    } catch (error) {
      return fail([csvParseRefusal(error)]);
    }
    const [header = [], ...body] = records;
    const index = new Map<CsvColumn, number>();
    const unknown: string[] = [];
    header.forEach((h, i) => {
      const column =
        ALIASES[
          h
            .toLowerCase()
            .trim()
            .replace(/[\s-]+/g, '_')
        ];
      if (column && !index.has(column)) index.set(column, i);
      else if (!column && h.trim()) unknown.push(h);
    });
    const missing = REQUIRED.filter((c) => !index.has(c));
    if (missing.length) return fail([say('The first line must name the columns; missing: {{columns}}.', { columns: missing.join(', ') })]);
    if (unknown.length) {
      const first = unknown
        .slice(0, 5)
        .map((h) => shorten(h, 40))
        .join(', ');
      const named = unknown.length > 5 ? say('{{names}} and {{count}} more', { names: first, count: unknown.length - 5 }) : first;
      return fail([
        say('Unknown columns: {{names}}. Columns: {{columns}}.', { count: unknown.length, names: named, columns: COLUMN_LIST }),
      ]);
    }
    if (body.length === 0) return fail(['The file has a header line but no products.']);
    if (body.length > MAX_IMPORT_ROWS)
      return fail([
        say('The file has {{n}} products; import at most {{max}} at a time.', {
          n: messageFormatter().quantity(body.length),
          max: messageFormatter().quantity(MAX_IMPORT_ROWS),
        }),
      ]);

    const [{ value: tree }, { value: units }] = await Promise.all([this.deps.categories.tree(ctx), this.deps.uoms.list(ctx)]);
    const categoryByName = new Map(tree.map((c) => [normalizeSearch(c.name), c.id]));
    for (const c of tree) categoryByName.set(normalizeSearch(c.path), c.id);
    const unitByCode = new Map<string, number>();
    for (const u of units) if (!unitByCode.has(u.code.toLowerCase())) unitByCode.set(u.code.toLowerCase(), u.id);
    for (const u of units) unitByCode.set(u.code, u.id);

    const cell = (record: string[], column: CsvColumn) => {
      const i = index.get(column);
      return i === undefined ? undefined : unprotectCell(record[i] ?? '');
    };
    const seen = new Map<string, number>();
    const seenBarcode = new Map<string, number>();
    const rows: ImportRow[] = [];
    const valid: ValidRow[] = [];
    // A file's numbers follow its own convention, not the business's locale: decimal-comma
    // cells are read by parseDecimal (readNumberCell), so every cell the schemas see is dot-decimal.
    withInputLocale('en', () =>
      body.forEach((record, i) => {
        const line = i + 2;
        const errors: string[] = [];
        const sku = cell(record, 'sku') ?? '';
        const categoryText = cell(record, 'category') ?? '';
        const unitText = cell(record, 'unit') ?? '';
        const categoryId = categoryText ? categoryByName.get(normalizeSearch(categoryText)) : undefined;
        const unitId = unitByCode.get(unitText) ?? unitByCode.get(unitText.toLowerCase());
        if (categoryText && categoryId === undefined)
          errors.push(say('Unknown category “{{name}}”: create it first or leave the cell empty', { name: shorten(categoryText) }));
        if (!unitText) errors.push(say('{{field}} is required', { field: say('Unit') }));
        else if (unitId === undefined) errors.push(say('Unknown unit “{{code}}”: create it first', { code: shorten(unitText) }));
        // A cell the file's convention cannot read is its line's error; the schema's own
        // message for the same field would only repeat it.
        const unread = new Set<string>(['unitId', 'categoryId']);
        const numberText = (field: string, column: CsvColumn, label: string): string | undefined => {
          const read = readNumberCell(cell(record, column), convention);
          if (read.ok) return read.text;
          errors.push(numberRefusal(label, read.refusal));
          unread.add(field);
          return undefined;
        };
        const parsed = ProductSchema.safeParse({
          sku,
          name: cell(record, 'name'),
          barcodes: cell(record, 'barcodes'),
          categoryId: categoryId === undefined ? '' : String(categoryId),
          unitId: String(unitId ?? 0),
          price: numberText('price', 'price', 'Price'),
          cost: numberText('cost', 'cost', 'Cost'),
          taxRate: numberText('taxRate', 'tax_rate', 'Tax rate'),
          reorderLevel: numberText('reorderLevel', 'reorder_level', 'Reorder level'),
        });
        if (!parsed.success) for (const issue of parsed.error.issues) if (!unread.has(String(issue.path[0]))) errors.push(issue.message);
        const quantityCell = numberText('quantity', 'quantity_on_hand', 'Quantity on hand');
        let quantity: string | undefined;
        if (quantityCell && !unread.has('quantity')) {
          const q = QuantityOnHand.safeParse(quantityCell);
          if (q.success) quantity = q.data;
          else errors.push(q.error.issues[0]!.message);
        }
        if (parsed.success) {
          for (const code of parsed.data.barcodes) {
            const other = seenBarcode.get(code);
            if (other !== undefined) errors.push(say('Barcode {{code}} is also on line {{line}}', { code, line: other }));
            else seenBarcode.set(code, line);
          }
        }
        const previous = seen.get(sku);
        if (sku && previous !== undefined)
          errors.push(say('SKU “{{sku}}” is also on line {{line}}', { sku: shorten(sku), line: previous }));
        else if (sku) seen.set(sku, line);
        rows.push({ line, sku, name: cell(record, 'name') ?? '', action: 'create', errors });
        if (!errors.length && parsed.success) valid.push({ data: parsed.data, quantity });
      }),
    );

    const skus = [...new Set(valid.map((r) => r.data.sku))];
    const existing = new Set<string>();
    for (let i = 0; i < skus.length; i += 1000) {
      for (const p of await ctx.db.product.findMany({ where: { sku: { in: skus.slice(i, i + 1000) } }, select: { sku: true } }))
        existing.add(p.sku);
    }
    for (const row of rows) if (existing.has(row.sku)) row.action = 'update';
    await this.barcodeOwners(ctx, valid, rows);
    // What the preview shows of each line (the SKU was needed whole until here).
    for (const row of rows) Object.assign(row, { sku: shorten(row.sku), name: shorten(row.name) });
    const rowsWithErrors = rows.filter((r) => r.errors.length).length;
    const updates = rows.filter((r) => r.action === 'update').length;
    return {
      preview: { rows, fileErrors: [], creates: rows.length - updates, updates, rowsWithErrors, ok: rowsWithErrors === 0, echo: true },
      valid,
      present: new Set(index.keys()),
    };
  }
}
