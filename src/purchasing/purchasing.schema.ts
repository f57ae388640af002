import { z } from 'zod';
import { idField, moneyField, optionalText, quantityField, requiredText } from '../db/fields.ts';

export const SupplierSchema = z.object({
  name: requiredText('Name', 200),
  contactName: optionalText('Contact', 200),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.email({ error: 'Enter a valid email address' }).max(254, 'Email is too long').optional(),
  ),
  phone: optionalText('Phone', 50),
  address: optionalText('Address', 500),
  taxId: optionalText('Tax id', 50),
  paymentTermsDays: z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? 0 : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: 'Payment terms must be a whole number of days' }).int('Payment terms must be a whole number of days').min(0).max(365),
  ),
  notes: optionalText('Notes', 2000),
});
export type SupplierInput = z.output<typeof SupplierSchema>;

export const PurchaseOrderSchema = z.object({
  supplierId: idField('Choose a supplier'),
  note: optionalText('Note', 500),
  lines: z
    .array(
      z.object({
        productId: idField('Choose a product'),
        quantity: quantityField('Quantity', { positive: true }),
        unitCost: moneyField('Unit cost'),
      }),
    )
    .min(1, 'Add at least one line')
    .max(200, 'At most 200 lines'),
});
export type PurchaseOrderInput = z.output<typeof PurchaseOrderSchema>;

export const ReceiptSchema = z.object({
  /** Quantity received per order line id; lines left out receive nothing. */
  lines: z
    .array(z.object({ lineId: idField('Unknown order line'), quantity: quantityField('Quantity received', { positive: true }) }))
    .min(1, 'Enter a quantity received on at least one line'),
  /** Receiving more than ordered is refused unless this is set. */
  confirmOver: z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean()),
  note: optionalText('Note', 200),
});
export type ReceiptInput = z.output<typeof ReceiptSchema>;
