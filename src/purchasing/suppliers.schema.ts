import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { idField, moneyField, optional, optionalText, requiredText } from '../db/fields.ts';

const TERMS = 'Payment terms must be a whole number of days from 0 to 365';

/** Days from receipt to payment due: blank is 0 (due on receipt). */
export const PaymentTermsSchema = z.preprocess(
  (v) =>
    v === undefined || v === null || (typeof v === 'string' && v.trim() === '')
      ? 0
      : typeof v === 'string' && /^\d{1,3}$/.test(v.trim())
        ? Number(v.trim())
        : v,
  z.number({ error: TERMS }).int(TERMS).min(0, TERMS).max(365, TERMS),
);

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
  paymentTermsDays: PaymentTermsSchema,
  notes: optionalText('Notes', 2000),
});
export type SupplierInput = z.output<typeof SupplierSchema>;

export const NewSupplierSchema = SupplierSchema.extend({ token: FormTokenSchema });

/** A product's buying details: blank supplier, code or cost clears it. */
export const ProductBuyingSchema = z.object({
  preferredSupplierId: optional(idField('Choose a supplier from the list')),
  supplierCode: optionalText("Supplier's code", 100),
  lastCost: optional(moneyField('Last cost')),
});
