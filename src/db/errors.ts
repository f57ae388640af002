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
