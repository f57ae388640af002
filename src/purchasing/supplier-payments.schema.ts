import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { dayField, idField, moneyField, optional, optionalText } from '../db/fields.ts';
import { PaymentChoiceSchema } from '../sales/index.ts';

export const SupplierPaymentSchema = z.object({
  token: FormTokenSchema,
  supplierId: idField('Choose a supplier from the list'),
  amount: moneyField('Amount', { positive: true }),
  method: PaymentChoiceSchema,
  /** The payment's day in the business's time zone; blank: today. */
  day: optional(dayField('Date')),
  reference: optionalText('Reference', 120),
  note: optionalText('Note', 500),
});
