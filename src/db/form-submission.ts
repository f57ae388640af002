import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Prisma } from '../generated/prisma/client.ts';
import type { TenantDb } from './tenant-scope.ts';

// One-time tokens of create forms (sale, payment, customer). The form carries a random
// token; the create's transaction first inserts (tenant, token) into form_submissions. A
// second submission of the same token waits on that insert (PostgreSQL blocks a conflicting
// INSERT until the first transaction ends); if the first committed, the second writes
// nothing and is sent to the first's result page; if it rolled back, the second proceeds.

export const FormTokenSchema = z
  .string({ error: 'The form has expired; reload the page and try again.' })
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'The form has expired; reload the page and try again.');

export function newFormToken(): string {
  return randomUUID();
}

interface Raw {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
}

/** True if this transaction now owns the token; false if an earlier submission committed it. */
export async function claimFormToken(tx: Raw, tenantId: number, token: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>(Prisma.sql`
    INSERT INTO form_submissions (tenant_id, token) VALUES (${tenantId}, ${token})
    ON CONFLICT (tenant_id, token) DO NOTHING RETURNING token`);
  return rows.length === 1;
}

/**
 * Claims the token and reserves the id of the row it will create (from `table`'s id
 * sequence), recording `${prefix}${id}` as its result at once. Null if already claimed.
 */
export async function claimFormTokenFor(tx: Raw, tenantId: number, token: string, table: 'sales', prefix: string): Promise<number | null> {
  const rows = await tx.$queryRaw<Array<{ result_url: string }>>(Prisma.sql`
    INSERT INTO form_submissions (tenant_id, token, result_url)
    VALUES (${tenantId}, ${token}, ${prefix} || nextval(pg_get_serial_sequence(${table}, 'id'))::text)
    ON CONFLICT (tenant_id, token) DO NOTHING RETURNING result_url`);
  return rows[0] ? Number(rows[0].result_url.slice(prefix.length)) : null;
}

export async function recordFormResult(tx: Raw, tenantId: number, token: string, resultUrl: string): Promise<void> {
  await tx.$executeRaw(
    Prisma.sql`UPDATE form_submissions SET result_url = ${resultUrl} WHERE tenant_id = ${tenantId} AND token = ${token}`,
  );
}

export async function formResult(db: TenantDb, token: string): Promise<string | null> {
  const row = await db.formSubmission.findFirst({ where: { token }, select: { resultUrl: true } });
  return row?.resultUrl ?? null;
}

/** Thrown inside the transaction to roll it back when the token was already used. */
export class AlreadySubmitted extends Error {
  constructor() {
    super('form already submitted');
  }
}

/** Resolves a result URL like `/sales/42` back to its id (for replayed submissions). */
export function idFromUrl(url: string | null): number {
  const m = url ? /\/(\d+)(?:$|[/?#])/.exec(url) : null;
  return m ? Number(m[1]) : 0;
}
