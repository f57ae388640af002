import type { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { fieldErrors } from './validation.ts';

/** Parse with a form schema; on failure a ValidationError carrying the field messages. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown, message = 'Please correct the marked fields.'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(message, fieldErrors(result.error));
  return result.data;
}
