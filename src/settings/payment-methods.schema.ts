import { z } from 'zod';
import { requiredText } from '../db/fields.ts';

export const PaymentMethodNameSchema = z.object({ name: requiredText('Name', 40) });
export type PaymentMethodNameInput = z.output<typeof PaymentMethodNameSchema>;
