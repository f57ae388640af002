import { Prisma } from '../generated/prisma/client.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { saleDetail, taxBreakdown, type TaxRateTotals } from '../sales/index.ts';
import type { ReceiptFormat } from '../settings/index.ts';
import { barcodeCodes, barcodeMatch } from '../catalog/index.ts';
import { ConflictError, NotFoundError, ValidationError, found } from '../db/errors.ts';
import { fieldErrors } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { barcodeFor, type Barcode } from './barcodes.ts';
import { LabelRequestSchema, MAX_LABELS_PER_PRODUCT, type LabelItem } from './labels.schema.ts';
import { say } from '../i18n/index.ts';

/** The seller as receipts and invoices print it. */
export interface Seller {
  /** The legal name, or the business name when none is set. */
  legalName: string;
  /** The business name when it differs from the legal name (a trading name). */
  tradingName: string | null;
  addressLines: string[];
  taxId: string | null;
  phone: string | null;
  email: string | null;
  currency: string;
  timeZone: string;
  locale: string;
  receiptFormat: ReceiptFormat;
}

export type PrintedSale = Awaited<ReturnType<typeof saleDetail>>;

export interface SaleDocument {
  sale: PrintedSale;
  seller: Seller;
  /** Net, tax and total per rate, from the sale's stored rounded lines (src/sales/sale-totals.ts). */
  taxes: TaxRateTotals[];
}

export interface Invoice extends SaleDocument {
  number: number;
  issuedAt: Date;
}

export interface LabelRow {
  productId: number;
  sku: string;
  name: string;
  price: Prisma.Decimal;
  barcode: string | null;
  quantityOnHand: Prisma.Decimal;
  /** The number of labels offered: the quantity on hand, whole labels, within the per-product limit. */
  defaultCount: number;
}

export interface Label {
  productId: number;
  name: string;
  sku: string;
  price: Prisma.Decimal;
  /** The code printed: the product's barcode, or its SKU when it has none. */
  code: string;
  barcode: Barcode | undefined;
}

// The label prints the product's first barcode (in the order they were added), else its SKU.
const labelSelect = { id: true, sku: true, name: true, price: true, barcodes: { ...barcodeCodes, take: 1 }, quantityOnHand: true } as const;

/**
 * Receipts, invoices and label sheets. Reads the sale and the seller; the one write is the
 * invoice number, taken once per sale from the business's own sequence.
 */
/** Products a label search adds at most; the form says how many more matched. */
const LABEL_SEARCH_LIMIT = 50;

export class PrintingService {
  async seller({ db }: Scope): Promise<Seller> {
    const t = await db.tenant.findFirstOrThrow({
      select: {
        name: true,
        legalName: true,
        address: true,
        taxId: true,
        phone: true,
        email: true,
        currency: true,
        timeZone: true,
        locale: true,
        receiptFormat: true,
      },
    });
    const legalName = t.legalName ?? t.name;
    return {
      legalName,
      tradingName: legalName === t.name ? null : t.name,
      addressLines: (t.address ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
      taxId: t.taxId,
      phone: t.phone,
      email: t.email,
      currency: t.currency,
      timeZone: t.timeZone,
      locale: t.locale,
      receiptFormat: t.receiptFormat as ReceiptFormat,
    };
  }

  async receipt(scope: Scope, saleId: number): Promise<SaleDocument> {
    const [sale, seller] = await Promise.all([saleDetail(scope.db, saleId), this.seller(scope)]);
    return { sale, seller, taxes: taxesOf(sale) };
  }

  /**
   * The sale's invoice; the first request issues it: the next number of the business's
   * sequence (tenants.last_invoice_number), written on the sale. The sale row is locked
   * first, so concurrent first requests queue and all but the first find the number set.
   */
  async invoice(ctx: Scope, saleId: number): Promise<Invoice> {
    const issued = await this.issueInvoiceNumber(ctx, saleId);
    const document = await this.receipt(ctx, saleId);
    return { ...document, ...issued };
  }

  private async issueInvoiceNumber(ctx: Scope, saleId: number): Promise<{ number: number; issuedAt: Date }> {
    const { tenantId } = ctx;
    return inTransaction(ctx.db, async ({ tx }) => {
      const [sale] = await tx.$queryRaw<
        Array<{ number: number; status: string; invoice_number: number | null; invoiced_at: Date | null }>
      >(Prisma.sql`
        SELECT number, status::text AS status, invoice_number, invoiced_at FROM sales WHERE tenant_id = ${tenantId} AND id = ${saleId} FOR UPDATE`);
      const row = found(sale, 'Sale');
      if (row.invoice_number !== null && row.invoiced_at !== null) return { number: row.invoice_number, issuedAt: row.invoiced_at };
      if (row.status === 'cancelled')
        throw new ConflictError(
          say('Sale #{{number}} was cancelled before it was invoiced; a cancelled sale gets no invoice.', { number: row.number }),
        );
      const [next] = await tx.$queryRaw<Array<{ number: number }>>(Prisma.sql`
        UPDATE tenants SET last_invoice_number = last_invoice_number + 1 WHERE id = ${tenantId} RETURNING last_invoice_number AS number`);
      const number = found(next, 'Business').number;
      const issuedAt = new Date();
      await tx.$executeRaw(
        Prisma.sql`UPDATE sales SET invoice_number = ${number}, invoiced_at = ${issuedAt} WHERE tenant_id = ${tenantId} AND id = ${saleId}`,
      );
      return { number, issuedAt };
    });
  }

  /**
   * Products offered on the label form: the ones asked for by id, then active ones matching
   * `q`. An id that is not this business's is a 404 (a link), or, with `dropUnknown` (a form
   * shown again), left out.
   */
  async labelRows(
    { db }: Scope,
    options: { productIds: number[]; q: string; dropUnknown?: boolean },
  ): Promise<{ rows: LabelRow[]; moreMatching: number }> {
    const text = options.q.trim();
    const ids = [...new Set(options.productIds)];
    const search = {
      active: true,
      OR: [
        { sku: { startsWith: text, mode: 'insensitive' as const } },
        { searchText: { contains: text.toLowerCase() } },
        barcodeMatch(text),
      ],
    };
    const [chosen, matching, matchingCount] = await Promise.all([
      ids.length ? db.product.findMany({ where: { id: { in: ids } }, select: labelSelect }) : [],
      text
        ? db.product.findMany({ where: search, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: LABEL_SEARCH_LIMIT, select: labelSelect })
        : [],
      text ? db.product.count({ where: search }) : 0,
    ]);
    if (chosen.length < ids.length && !options.dropUnknown) throw new NotFoundError('Product');
    const byId = new Map(chosen.map((p) => [p.id, p]));
    const rows = [...ids.map((id) => byId.get(id)).filter((p) => p !== undefined), ...matching.filter((p) => !byId.has(p.id))];
    const labelRows = rows.map((p) => ({
      productId: p.id,
      sku: p.sku,
      name: p.name,
      price: p.price,
      barcode: p.barcodes[0]?.code ?? null,
      quantityOnHand: p.quantityOnHand,
      defaultCount: defaultLabelCount(p.quantityOnHand),
    }));
    return { rows: labelRows, moreMatching: matchingCount - matching.length };
  }

  /**
   * Checks the label form (counts, and that every product is this business's): a refusal is
   * a form message. With `fromLink` (a sheet's address), an unknown product is a 404.
   */
  async labelRequest({ db }: Scope, items: unknown, options: { fromLink?: boolean } = {}): Promise<LabelItem[]> {
    const parsed = LabelRequestSchema.safeParse(items);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      const badProduct = Object.keys(errors).some((k) => k.endsWith('productId'));
      throw new ValidationError(
        errors._form ?? (badProduct ? 'A product in the list was not found.' : 'Check the numbers of labels.'),
        prefixed(errors),
      );
    }
    const ids = [...new Set(parsed.data.map((i) => i.productId))];
    const known = new Set((await db.product.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((p) => p.id));
    const unknown = parsed.data.findIndex((i) => !known.has(i.productId));
    if (unknown >= 0 && options.fromLink) throw new NotFoundError('Product');
    if (unknown >= 0)
      throw new ValidationError('A product in the list was not found.', {
        [`items.${unknown}.productId`]: 'Choose a product from the list',
      });
    return parsed.data;
  }

  /** The sheet: one label per unit asked for, in the order asked; each product's barcode is drawn once. */
  async labels(scope: Scope, items: unknown): Promise<Label[]> {
    const request = await this.labelRequest(scope, items, { fromLink: true });
    const products = new Map(
      (await scope.db.product.findMany({ where: { id: { in: request.map((i) => i.productId) } }, select: labelSelect })).map((p) => [
        p.id,
        p,
      ]),
    );
    const out: Label[] = [];
    for (const item of request) {
      if (item.count === 0) continue;
      const p = products.get(item.productId)!;
      const code = p.barcodes[0]?.code ?? p.sku;
      const label: Label = { productId: p.id, name: p.name, sku: p.sku, price: p.price, code, barcode: barcodeFor(code) };
      for (let i = 0; i < item.count; i++) out.push(label);
    }
    return out;
  }
}

function taxesOf(sale: PrintedSale): TaxRateTotals[] {
  return taxBreakdown(sale.lines.map((l) => ({ taxRate: l.taxRate, subtotal: l.lineSubtotal, tax: l.lineTax })));
}

/** Whole labels for the quantity on hand (2.5 kg → 3 labels), within the per-product limit. */
function defaultLabelCount(quantityOnHand: Prisma.Decimal): number {
  return Math.min(MAX_LABELS_PER_PRODUCT, quantityOnHand.ceil().toNumber());
}

/** Schema paths of the item list (`0.count`) → the form's field names (`items.0.count`). */
function prefixed(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === '_form' ? k : `items.${k}`, v]));
}
