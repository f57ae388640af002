// Typed errors thrown by services; one error handler (src/http/error-handler.ts) maps
// them to pages. A service never knows about HTTP status codes beyond `status` here.

export class AppError extends Error {
  static code = 'E_APP';
  readonly status: number = 500;
  get code(): string {
    return (this.constructor as typeof AppError).code;
  }
}

export class NotFoundError extends AppError {
  static override code = 'E_NOT_FOUND';
  override readonly status = 404;
  constructor(what = 'Page') {
    super(`${what} not found`);
  }
}

export class ForbiddenError extends AppError {
  static override code = 'E_FORBIDDEN';
  override readonly status = 403;
  constructor(message = 'You do not have permission to do that.') {
    super(message);
  }
}

/** A refusal a form shows to the user: a message, and `fields` mapping form field names to messages. */
export abstract class FormError extends AppError {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Input that breaks a rule. */
export class ValidationError extends FormError {
  static override code = 'E_VALIDATION';
  override readonly status = 422;
}

/** A rule about existing data: duplicate name, row in use, not enough stock. */
export class ConflictError extends FormError {
  static override code = 'E_CONFLICT';
  override readonly status = 409;
}

/**
 * A value the acting role may not set (a staff price change, a discount above the staff
 * limit): the form comes back with the message on the field, status 403, nothing written.
 */
export class PermissionError extends FormError {
  static override code = 'E_PERMISSION';
  override readonly status = 403;
}

export class ServiceUnavailableError extends AppError {
  static override code = 'E_UNAVAILABLE';
  override readonly status = 503;
}

/** Throw a NotFoundError unless `value` is present: `return found(row, 'Product')`. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new NotFoundError(what);
  return value;
}
