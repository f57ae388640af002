// Typed errors thrown by services, and the database errors they recognise. Services know
// nothing of HTTP: each error carries the status the one error handler
// (src/http/error-handler.ts) answers with, and that is all.

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

// Recognising "the database is not there" across both drivers, so pages answer 503
// with a clear message instead of 500.

const unavailableCodes = new Set([
  'P1001',
  'P1002',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const candidate = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string } } };
    };
    if (typeof candidate.code === 'string' && unavailableCodes.has(candidate.code)) return true;
    const kind = candidate.meta?.driverAdapterError?.cause?.kind;
    if (kind === 'DatabaseNotReachable' || kind === 'SocketTimeout' || kind === 'ConnectionClosed') return true;
    if (
      typeof candidate.message === 'string' &&
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Can't reach database/i.test(candidate.message)
    )
      return true;
    e = candidate.cause;
  }
  return false;
}

/** Postgres unique violation (through Prisma P2002 or the raw driver code 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return e?.code === 'P2002' || e?.code === '23505' || e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}
