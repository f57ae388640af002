import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { idField, moneyField, optional, optionalText, quantityField } from '../db/fields.ts';

/** A line as the form sends it: the product as typed or picked ("SKU — name", a SKU or a barcode). */
export const OrderLineSchema = z
  .object({
    product: optionalText('Product', 200),
    productId: optional(idField('Choose a product from the list')),
    quantity: quantityField('Quantity', { positive: true }),
    /** Blank: the product's last cost (else its average cost). */
    unitCost: optional(moneyField('Unit cost')),
  })
  .refine((l) => l.product !== undefined || l.productId !== undefined, { path: ['product'], message: 'Choose a product' });

export const PurchaseOrderSchema = z.object({
  supplierId: idField('Choose a supplier from the list'),
  note: optionalText('Note', 500),
  lines: z
    .array(OrderLineSchema, { error: 'Add at least one line' })
    .min(1, 'Add at least one line')
    .max(200, 'An order can have at most 200 lines'),
});
export type PurchaseOrderInput = z.output<typeof PurchaseOrderSchema>;

export const NewPurchaseOrderSchema = PurchaseOrderSchema.extend({ token: FormTokenSchema });

const checked = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

export const ReceiptSchema = z.object({
  token: FormTokenSchema,
  /** By the order line's number: the quantity received now; a zero line receives nothing. */
  lines: z.record(
    z.string().regex(/^\d{1,4}$/, 'This order has no such line'),
    z.object({
      quantity: quantityField('Quantity received'),
      /** Blank: the line's unit cost. Another cost is for those who order. */
      unitCost: optional(moneyField('Unit cost')),
    }),
    { error: 'Enter a quantity received on at least one line' },
  ),
  /** Receiving more than ordered is refused unless this is ticked. */
  confirmOver: checked,
  note: optionalText('Note', 200),
});
export type ReceiptInput = z.output<typeof ReceiptSchema>;

export const ReorderSchema = z.object({
  token: FormTokenSchema,
  /** By product id: the quantity to order (blank or zero: not ordered). */
  items: z.record(z.string().regex(/^\d{1,10}$/, 'Unknown product'), optional(quantityField('Quantity')), {
    error: 'Enter a quantity for at least one product',
  }),
});
