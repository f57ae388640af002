import { ConflictError, ValidationError } from '../errors.ts';

export interface FormFailure {
  status: number;
  /** Field → message, for the form's field errors. */
  errors: Record<string, string>;
  /** A message for the top of the form when no field carries it. */
  alert: string | undefined;
}

/**
 * A service error a form shows (bad input, duplicate, row in use, not enough stock) as
 * status + messages; anything else is undefined and goes on to the error handler.
 */
export function formFailure(error: unknown): FormFailure | undefined {
  if (error instanceof ValidationError || error instanceof ConflictError) {
    const errors = error.fields;
    return { status: error.status, errors, alert: Object.keys(errors).length ? undefined : error.message };
  }
  return undefined;
}

/** The submitted body as strings, to put back into the form. */
export function typedValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  }
  return out;
}

/** A route's numeric id, or undefined (the router answers 404). */
export function parseId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}
