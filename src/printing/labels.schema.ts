import { z } from 'zod';
import { idField } from '../db/fields.ts';
import { say } from '../i18n/index.ts';
import { messageFormatter } from '../format/index.ts';

export const MAX_LABELS_PER_PRODUCT = 500;
export const MAX_LABELS_PER_SHEET = 1000;

/** A whole number of labels, 0 (none of this product) to MAX_LABELS_PER_PRODUCT; blank is 0. */
const labelCount = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? '0' : v),
  z
    .string({ error: 'Number of labels must be a whole number' })
    .trim()
    .superRefine((v, ctx) => {
      const fail = (message: string) => void ctx.addIssue({ code: 'custom', message });
      if (v.startsWith('-') && /^-\d+$/.test(v)) return fail('Number of labels cannot be negative');
      if (!/^\d+$/.test(v)) return fail('Number of labels must be a whole number');
      if (v.replace(/^0+/, '').length > 4 || Number(v) > MAX_LABELS_PER_PRODUCT)
        fail(say('Number of labels can be at most {{max}}', { max: MAX_LABELS_PER_PRODUCT }));
    })
    .transform(Number),
);

export const LabelItemSchema = z.object({
  productId: idField('Choose a product from the list'),
  count: labelCount,
});

export const LabelRequestSchema = z
  .array(LabelItemSchema, { error: 'Choose at least one label' })
  .max(200, 'A sheet can have at most 200 products')
  .superRefine((items, ctx) => {
    const total = items.reduce((acc, i) => acc + i.count, 0);
    if (total === 0) ctx.addIssue({ code: 'custom', path: items.length ? [0, 'count'] : [], message: 'Choose at least one label' });
    else if (total > MAX_LABELS_PER_SHEET)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: say('At most {{max}} labels at once; lower some numbers', { max: messageFormatter().quantity(MAX_LABELS_PER_SHEET) }),
      });
  });

export type LabelItem = z.output<typeof LabelItemSchema>;
export type LabelItemForm = { productId?: string; count?: string };

const itemKey = /^items\[(\d{1,3})\]\[(productId|count)\]$/;

/** The rows of a urlencoded label form (`items[2][count]=5` …) with their values as sent, in index order. */
export function itemsFromBody(body: Record<string, unknown>): Array<Partial<Record<'productId' | 'count', unknown>>> {
  const byIndex = new Map<number, Partial<Record<'productId' | 'count', unknown>>>();
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = itemKey.exec(key);
    if (!m) continue;
    const item = byIndex.get(Number(m[1])) ?? {};
    item[m[2] as 'productId' | 'count'] = value;
    byIndex.set(Number(m[1]), item);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, i]) => i);
}

/** The sheet's address: `12:5,13:2` (product id : number of labels), products with no label left out. */
export const sheetQuery = (items: LabelItem[]) =>
  items
    .filter((i) => i.count > 0)
    .map((i) => `${i.productId}:${i.count}`)
    .join(',');

/** The sheet address back into rows, for the same schema (anything malformed fails there). */
export function itemsFromSheetQuery(value: unknown): Array<{ productId: unknown; count: unknown }> | undefined {
  if (typeof value !== 'string' || value.length > 5000) return undefined;
  return value.split(',').map((pair) => {
    const [productId, count, extra] = pair.split(':');
    return extra === undefined ? { productId, count } : { productId: undefined, count: undefined };
  });
}
