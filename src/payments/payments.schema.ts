import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { PaymentChoiceSchema } from '../sales/index.ts';
import { dayField, idField, moneyField, optional, optionalText } from '../db/fields.ts';

export const PaymentSchema = z.object({
  token: FormTokenSchema,
  amount: moneyField('Amount', { positive: true }),
  method: PaymentChoiceSchema,
  /** The payment's calendar day in the business's time zone; blank: today. */
  day: optional(dayField('Date')),
  customerId: optional(idField('Choose a customer from the list')),
  /** The sale by id (from a sale's page) … */
  saleId: optional(idField('Unknown sale')),
  /** … or by the number the user reads on it (#123). */
  saleNumber: optional(
    z.preprocess((v) => (typeof v === 'string' ? v.trim().replace(/^#/, '') : v), idField('Enter a sale number such as 12')),
  ),
  reference: optionalText('Reference', 120),
  note: optionalText('Note', 500),
});

export type PaymentInput = z.output<typeof PaymentSchema>;
