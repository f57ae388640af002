import { z } from 'zod';
import { requiredText } from '../db/fields.ts';

export const UnitCodeSchema = z
  .string({ error: 'Code is required' })
  .trim()
  .min(1, 'Code is required')
  .max(16, 'Code must be at most 16 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._/-]*$/u, 'Code may hold letters, digits and . _ / - (no spaces)');

export const UnitSchema = z.object({
  code: UnitCodeSchema,
  name: requiredText('Name', 60),
});

export type UnitInput = z.output<typeof UnitSchema>;
