// A row still referenced elsewhere (Postgres 23503 through Prisma P2003 or the driver).
// Delete services check usage first for a friendly count; this catches the race where a
// product started using the row in between.
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } };
  const cause = e?.meta?.driverAdapterError?.cause;
  return e?.code === 'P2003' || e?.code === '23503' || cause?.kind === 'ForeignKeyConstraintViolation' || cause?.originalCode === '23503';
}
