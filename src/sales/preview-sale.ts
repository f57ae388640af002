import { Prisma } from '../generated/prisma/client.ts';
import { onlyInStock } from './short-stock.ts';
import { openBalance } from '../balance/index.ts';
import { fieldErrors } from '../db/input.ts';
import { createFormatter } from '../format/index.ts';
import { changeDue, overCreditLimit, priceLines } from './price-sale.ts';
import { resolveLineProducts, type LineProduct } from './resolve-products.ts';
import { SaleLineSchema, SaleSchema, indexedLines, type SaleInput } from './sales.schema.ts';
import { staffLimitRefusal } from './staff-limits.ts';
import type { Scope } from '../db/scope.ts';

const Decimal = Prisma.Decimal;

// What the sale form shows while it is being filled in: its lines priced by the code that
// confirms (same product resolution, same rounding), with the messages confirming would
// give, keyed by the form's own field names. Nothing is written.

export interface PreviewLine {
  /** The form row (lines[row][…]). */
  row: number;
  product?: { id: number; sku: string; name: string; unit: string };
  /** Line total (net + tax), formatted. */
  total?: string;
}

export interface SalePreview {
  lines: PreviewLine[];
  /** Field name (as the form marks it, e.g. `lines.2.product`) → message. */
  errors: Record<string, string>;
  subtotal: string;
  tax: string;
  total: string;
  /** The total as a plain decimal, e.g. "40.34". */
  amount: string;
  /** Lines priced (a sale with none cannot be confirmed). */
  priced: number;
  /** Change due, formatted, when a cash sale's tendered amount covers the total. */
  change?: string;
}

const HeaderSchema = SaleSchema.pick({ customerId: true, payNow: true, tendered: true });

export async function previewSale(actor: Scope, body: Record<string, unknown>): Promise<SalePreview> {
  const { db } = actor;
  const errors: Record<string, string> = {};
  const header = HeaderSchema.safeParse({ customerId: body.customerId, payNow: body.payNow, tendered: body.tendered });
  if (!header.success) Object.assign(errors, fieldErrors(header.error));

  const parsed: Array<{ row: number; line: SaleInput['lines'][number] }> = [];
  const submitted = indexedLines(body);
  if (submitted.length > 100) errors.lines = 'A sale can have at most 100 lines';
  for (const { row, line } of submitted.slice(0, 100)) {
    const result = SaleLineSchema.safeParse(line);
    if (result.success) parsed.push({ row, line: result.data });
    else for (const [field, message] of Object.entries(fieldErrors(result.error))) errors[`lines.${row}.${field}`] ??= message;
  }

  const tenant = await db.tenant.findFirstOrThrow({
    select: { currency: true, timeZone: true, locale: true, defaultTaxRate: true, staffMaxDiscountPct: true, staffMayOverridePrice: true },
  });
  const fmt = createFormatter(tenant);
  const m = (d: Prisma.Decimal) => fmt.money(d);
  const resolved = await resolveLineProducts(
    db,
    parsed.map((p) => p.line),
  );
  const known: Array<{ row: number; line: SaleInput['lines'][number]; product: LineProduct }> = [];
  parsed.forEach((p, i) => {
    const message = resolved.errors[`lines.${i}.product`];
    if (message) errors[`lines.${p.row}.product`] = message;
    const product = resolved.products[i];
    if (product && !message) known.push({ ...p, product });
  });

  const { totals } = priceLines(
    known.map((k) => k.line),
    known.map((k) => k.product),
    tenant.defaultTaxRate,
  );
  const lines: PreviewLine[] = known.map((k, i) => ({
    row: k.row,
    product: { id: k.product.id, sku: k.product.sku, name: k.product.name, unit: k.product.unit.code },
    total: m(totals.lines[i]!.total),
  }));

  // Beyond the owner's staff limits: confirming refuses it, so the preview says it on the field first.
  const beyond = staffLimitRefusal(
    actor,
    tenant,
    known.map((k) => k.line),
    known.map((k) => k.product),
    tenant.currency,
  );
  for (const [field, message] of Object.entries(beyond?.fields ?? {})) {
    const [, index, name] = field.split('.');
    errors[`lines.${known[Number(index)]!.row}.${name}`] ??= message;
  }

  // Short stock is refused at confirmation; the preview says it on the quantity first.
  const wanted = new Map<number, Prisma.Decimal>();
  for (const k of known) wanted.set(k.product.id, (wanted.get(k.product.id) ?? new Decimal(0)).plus(k.line.quantity));
  const stock = known.length
    ? await db.product.findMany({ where: { id: { in: [...wanted.keys()] } }, select: { id: true, quantityOnHand: true } })
    : [];
  for (const k of known) {
    const onHand = stock.find((p) => p.id === k.product.id)?.quantityOnHand ?? new Decimal(0);
    if (wanted.get(k.product.id)!.greaterThan(onHand)) {
      const several = known.filter((o) => o.product.id === k.product.id).length > 1;
      errors[`lines.${k.row}.quantity`] ??= onlyInStock(fmt, onHand, k.product, several ? 2 : 1);
    }
  }

  const input = header.success ? header.data : {};
  let change: string | undefined;
  if (input.payNow?.kind === 'cash' && input.tendered !== undefined && known.length) {
    const cash = changeDue(new Decimal(input.tendered), totals.total, tenant.currency);
    if ('error' in cash) errors.tendered = cash.error;
    else change = m(cash.change);
  }
  if (input.customerId !== undefined) {
    const customer = await db.customer.findFirst({ where: { id: input.customerId }, select: { id: true, name: true, creditLimit: true } });
    if (!customer) errors.customerId = 'Unknown customer; choose one from the list';
    else if (!input.payNow) {
      const message = overCreditLimit(customer, await openBalance(db, customer.id), totals.total, tenant.currency);
      if (message) errors.customerId = message;
    }
  }
  return {
    lines,
    errors,
    subtotal: m(totals.subtotal),
    tax: m(totals.taxTotal),
    total: m(totals.total),
    amount: totals.total.toFixed(2),
    priced: known.length,
    ...(change === undefined ? {} : { change }),
  };
}
