import { FormError } from '../db/errors.ts';

// How every form comes back after a service refuses it (catalog, settings, sales, customers,
// payments, users, the account pages). Services throw ValidationError / ConflictError with a
// message and field messages; this file turns that into a status and the two view locals
// every form reads — `errors` (field → message, shown by views/partials/_field-error.ejs) and
// `error` (the top of the form, views/partials/_form-error.ejs) — and gives the typed values
// back. It lives in src/http, not in a feature folder, because every module's router uses it:
// one pattern, so a refused form looks and reads the same everywhere.

export interface FormFailure {
  status: number;
  /** Field → message, for the form's field errors. */
  errors: Record<string, string>;
  /** The message for the top of the form; undefined when a field already shows it word for word. */
  error: string | undefined;
}

/**
 * A service error a form shows (bad input, duplicate, row in use, not enough stock) as
 * status + messages; anything else is undefined and goes on to the error handler.
 */
export function formFailure(error: unknown): FormFailure | undefined {
  if (!(error instanceof FormError)) return undefined;
  const errors = error.fields;
  // `_form` is not a field on the page: a message kept only there still goes on top.
  const onAField = Object.entries(errors).some(([field, message]) => field !== '_form' && message === error.message);
  // No message (a router's parseInput without one) is no top line of its own: the partial counts the fields.
  return { status: error.status, errors, error: onAField || !error.message ? undefined : error.message };
}

/** The view locals of a form: no failure (a GET) is no messages. */
export function formLocals(failure?: FormFailure): { errors: Record<string, string>; error: string | undefined } {
  return { errors: failure?.errors ?? {}, error: failure?.error };
}

/**
 * The submitted body's text fields, to put back into the form (never `_csrf`; a field sent
 * twice, or not as text, is left out). With `fields`, only those: for a form whose view reads
 * other keys of `values` too (an `id` in the body must not turn a new-customer form into an edit).
 */
export function typedValues(body: unknown, fields?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  const b = body as Record<string, unknown>;
  for (const key of fields ?? Object.keys(b)) {
    const v = b[key];
    if (typeof v === 'string' && key !== '_csrf') out[key] = v;
  }
  return out;
}

/** The form's fields as sent, for the service to validate: a field sent twice (or not as text) is refused there, not dropped here. */
export function submittedFields(body: unknown, fields: readonly string[]): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, b[f]]));
}
