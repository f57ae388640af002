import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { idField, moneyField, optional, optionalText, percentField, quantityField } from '../db/fields.ts';
import { PaymentMethod } from '../generated/prisma/enums.ts';

export const paymentMethods = Object.values(PaymentMethod);

/** How a payment form names a method: a built-in kind, or `custom:<id>` for one of the business's own. */
export interface PaymentChoice {
  kind: PaymentMethod;
  /** The business's own method (its kind is `other`); the service checks it is theirs and active. */
  customMethodId: number | null;
}
const CHOOSE = 'Choose a payment method from the list';
export const PaymentChoiceSchema = z
  .string({ error: CHOOSE })
  .trim()
  .regex(/^(?:cash|card|transfer|other|custom:[1-9]\d{0,8})$/, CHOOSE)
  .transform((v): PaymentChoice =>
    v.startsWith('custom:') ? { kind: 'other', customMethodId: Number(v.slice(7)) } : { kind: v as PaymentMethod, customMethodId: null },
  );

export const SaleLineSchema = z
  .object({
    /** SKU or exact name, as typed or picked; ignored when productId is given. */
    product: optionalText('Product', 200),
    productId: optional(idField('Choose a product from the list')),
    /** Blank: 1 (a scanned product is one unit). */
    quantity: z.preprocess(
      (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? '1' : v),
      quantityField('Quantity', { positive: true }),
    ),
    /** Blank: the product's price. */
    unitPrice: optional(moneyField('Unit price')),
    discountPct: optional(percentField('Discount')),
    /** Blank: the product's tax rate, else the business's default. */
    taxRate: optional(percentField('Tax rate')),
  })
  .refine((l) => l.product !== undefined || l.productId !== undefined, { path: ['product'], message: 'Choose a product' });

export const SaleSchema = z.object({
  token: FormTokenSchema,
  customerId: optional(idField('Choose a customer from the list')),
  note: optionalText('Note', 500),
  /** Paid in full now with this method (a walk-in sale); blank: on account. */
  payNow: optional(PaymentChoiceSchema),
  /** Cash handed over, for a sale paid now in cash: the change due is shown and kept. */
  tendered: optional(moneyField('Cash tendered')),
  lines: z
    .array(SaleLineSchema, { error: 'Add at least one line' })
    .min(1, 'Add at least one line')
    .max(100, 'A sale can have at most 100 lines'),
});

export type SaleInput = z.output<typeof SaleSchema>;
export type SaleFormInput = z.input<typeof SaleSchema>;
export type SaleLineForm = {
  product?: string;
  productId?: string;
  quantity?: string;
  unitPrice?: string;
  discountPct?: string;
  taxRate?: string;
};

const lineKey = /^lines\[(\d{1,3})\]\[(product|productId|quantity|unitPrice|discountPct|taxRate)\]$/;
type SubmittedLine = Partial<Record<keyof SaleLineForm, unknown>>;
const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * The lines of a urlencoded form (`lines[3][quantity]=2` …) with their values as sent and
 * the form row each came from, in index order, without the blank ones (a line the user added
 * and left empty is not an error).
 */
export function indexedLines(body: Record<string, unknown>): Array<{ row: number; line: SubmittedLine }> {
  const byIndex = new Map<number, SubmittedLine>();
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = lineKey.exec(key);
    if (!m) continue;
    const line = byIndex.get(Number(m[1])) ?? {};
    line[m[2] as keyof SaleLineForm] = value;
    byIndex.set(Number(m[1]), line);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, line]) => ({ row, line }))
    .filter(({ line: l }) => [l.product, l.productId, l.quantity, l.unitPrice].some((v) => !isBlank(v)));
}

function submittedLines(body: Record<string, unknown>): SubmittedLine[] {
  return indexedLines(body).map((l) => l.line);
}

/** The lines as text, to put back into the form (a value that is not text shows as blank). */
export function linesFromBody(body: Record<string, unknown>): SaleLineForm[] {
  return submittedLines(body).map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => typeof v === 'string')) as SaleLineForm);
}

/** Lines back into form fields (`lines[i][field]`), e.g. to preview the lines of a refused form. */
export function lineFields(lines: SaleLineForm[]): Record<string, string> {
  return Object.fromEntries(lines.flatMap((l, i) => Object.entries(l).map(([field, value]) => [`lines[${i}][${field}]`, value ?? ''])));
}

/** The sale form's fields as the service takes them: as sent, so a field sent twice is refused, not dropped. */
export function saleFormFromBody(body: Record<string, unknown>): Record<string, unknown> {
  return {
    token: body.token,
    customerId: body.customerId,
    note: body.note,
    payNow: body.payNow,
    tendered: body.tendered,
    lines: submittedLines(body),
  };
}
