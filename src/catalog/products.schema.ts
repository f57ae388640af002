import { z } from 'zod';
import {
  hasControlCharacters,
  idField,
  moneyField,
  optional,
  percentField,
  quantityChangeField,
  quantityField,
  requiredText,
} from '../db/fields.ts';
import { say } from '../i18n/index.ts';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export const SkuSchema = z
  .string({ error: 'SKU is required' })
  .trim()
  .min(1, 'SKU is required')
  .max(40, 'SKU must be at most 40 characters')
  .regex(SKU_PATTERN, 'SKU may hold letters, digits and . _ / - and must start with a letter or digit (no spaces)');

const blankTo = (fallback: string) => (v: unknown) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? fallback : v);

/** How barcodes are separated in the form's box (one per line) and in the CSV column (`|`). */
export const BARCODE_SEPARATOR = /[\s|,]+/;
export const MAX_BARCODES = 20;
const BARCODE = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The product's barcodes, upper-cased (a scan matches however the code was typed) and
 * without duplicates. Messages land on the one `barcodes` field.
 */
export const BarcodesSchema = z.preprocess(
  (v) => (v === undefined ? '' : v),
  z
    .string({ error: 'Barcodes are text: one per line' })
    .max(2000, 'Barcodes must be at most 2000 characters in all')
    .transform((text, ctx) => {
      const codes = text.split(BARCODE_SEPARATOR).filter(Boolean);
      if (codes.some((c) => c.length > 64)) ctx.addIssue({ code: 'custom', message: 'A barcode must be at most 64 characters' });
      else if (!codes.every((c) => BARCODE.test(c)))
        ctx.addIssue({ code: 'custom', message: 'A barcode may hold letters, digits and - only; put one per line' });
      else if (codes.length > MAX_BARCODES)
        ctx.addIssue({ code: 'custom', message: say('A product can have at most {{max}} barcodes', { max: MAX_BARCODES }) });
      return [...new Set(codes.map((c) => c.toUpperCase()))];
    }),
);

/** The fields a product form and a CSV row share (ids already resolved). */
export const ProductSchema = z.object({
  sku: SkuSchema,
  name: requiredText('Name', 200),
  barcodes: BarcodesSchema,
  categoryId: optional(idField('Choose a category from the list')),
  unitId: idField('Choose a unit from the list'),
  price: moneyField('Price'),
  cost: z.preprocess(blankTo('0'), moneyField('Cost')),
  taxRate: optional(percentField('Tax rate')),
  reorderLevel: z.preprocess(blankTo('0'), quantityField('Reorder level')),
});

export const NewProductSchema = ProductSchema.extend({
  openingStock: z.preprocess(blankTo('0'), quantityField('Opening stock')),
});

export const EditProductSchema = ProductSchema.extend({
  active: z.preprocess((v) => v === 'on' || v === 'true' || v === '1' || v === true, z.boolean()),
});

export type ProductInput = z.output<typeof ProductSchema>;
export type NewProductInput = z.output<typeof NewProductSchema>;
export type EditProductInput = z.output<typeof EditProductSchema>;

export const ADJUSTMENT_KINDS = ['receipt', 'adjustment'] as const;

export const AdjustmentSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('receipt'),
      quantity: quantityField('Quantity received', { positive: true }),
      reason: optional(requiredText('Note', 200)),
    }),
    z.object({
      kind: z.literal('adjustment'),
      quantity: quantityChangeField('Change'),
      reason: z.preprocess((v) => (v === undefined ? '' : v), requiredText('Reason', 200)),
    }),
  ],
  { error: 'Choose receipt or correction' },
);

export type AdjustmentInput = z.output<typeof AdjustmentSchema>;

// The list page's query string: anything unexpected falls back to the default, so a
// hand-edited URL shows a list rather than an error.
export const SORTS = ['name', '-name', 'sku', '-sku', 'price', '-price', 'stock', '-stock', '-updated'] as const;
export type ProductSort = (typeof SORTS)[number];
export const STOCK_FILTERS = ['all', 'low', 'out'] as const;
export type StockFilter = (typeof STOCK_FILTERS)[number];

const firstString = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const ProductListQuerySchema = z.object({
  q: z
    .preprocess(
      firstString,
      z
        .string()
        .max(100)
        .refine((v) => !hasControlCharacters(v))
        .catch('')
        .default(''),
    )
    .catch(''),
  category: z
    .preprocess(
      firstString,
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number)
        .optional(),
    )
    .catch(undefined),
  stock: z.preprocess(firstString, z.enum(STOCK_FILTERS).default('all')).catch('all'),
  sort: z.preprocess(firstString, z.enum(SORTS).default('name')).catch('name'),
  page: z
    .preprocess(
      firstString,
      z
        .string()
        .regex(/^\d{1,6}$/)
        .transform(Number)
        .pipe(z.number().int().min(1))
        .default(1),
    )
    .catch(1),
});

export type ProductListQuery = z.output<typeof ProductListQuerySchema>;
