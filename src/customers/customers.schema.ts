import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { dayField, moneyField, optional, optionalText, requiredText } from '../db/fields.ts';

export const CustomerSchema = z.object({
  name: requiredText('Name', 120),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.email({ error: 'Enter a valid email address' }).max(254, 'Email is too long').optional(),
  ),
  phone: optionalText('Phone', 40),
  address: optionalText('Address', 300),
  taxId: optionalText('Tax id', 40),
  /** Blank: no limit. */
  creditLimit: optional(moneyField('Credit limit')),
  notes: optionalText('Notes', 1000),
});

export const NewCustomerSchema = CustomerSchema.extend({ token: FormTokenSchema });

export type CustomerInput = z.output<typeof CustomerSchema>;

export const StatementRangeSchema = z
  .object({ from: dayField('From'), to: dayField('To') })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'To must not be before From' });
