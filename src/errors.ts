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

/** Input that breaks a rule; `fields` maps form field names to messages. */
export class ValidationError extends AppError {
  static override code = 'E_VALIDATION';
  override readonly status = 422;
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A rule about existing data: duplicate name, row in use, not enough stock. */
export class ConflictError extends AppError {
  static override code = 'E_CONFLICT';
  override readonly status = 409;
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
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
