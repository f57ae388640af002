import { z } from 'zod';
import { FormTokenSchema } from '../db/form-submission.ts';
import { moneyField, optionalText } from '../db/fields.ts';

export const TillCloseSchema = z.object({
  token: FormTokenSchema,
  counted: moneyField('Counted cash'),
  note: optionalText('Note', 500),
});
