import type { z } from 'zod';

/** zod issues → { field: first message }, the one shape every form renders. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : '_form';
    out[field] ??= issue.message;
  }
  return out;
}
