import type { z } from 'zod';
import { ValidationError } from './errors.ts';

// The one way input is read, by routers (a form, a query string) and by services (what a
// router or the CLI hands them): a zod schema in, the typed values out, or a ValidationError
// whose field messages the form shows (src/http/form-errors.ts renders every refused form).

/**
 * Parse `input` with `schema`; on failure a ValidationError carrying the field messages.
 * `message` is the top of the form; without one the form says how many fields to correct.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(message, fieldErrors(result.error));
  return result.data;
}

/** zod issues → { field: first message }: for a refusal built from several parses (a sale's lines). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : '_form';
    out[field] ??= issue.message;
  }
  return out;
}
