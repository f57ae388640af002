import { inTransaction, type TenantTransaction, type UnitOfWork } from './unit-of-work.ts';
import type { Logger } from '../logger.ts';
import { AlreadySubmitted, claimFormToken, claimFormTokenFor, formResult, idFromUrl, recordFormResult } from './form-submission.ts';
import type { Scope } from './scope.ts';

// The transaction shape shared by the create services: claim the form token, do the work,
// record where its result lives; retried (whole) on a deadlock or serialization failure.

/** What a retried transaction needs: where to log, and a counter of conflict retries. */
export interface RetryDeps {
  logger: Logger;
  /** Called once per transaction attempt that was retried after a conflict. */
  onConflictRetry?: () => void;
}

/** The outcome of an idempotent create: where its result lives, and whether this was a repeat. */
export interface Created {
  id: number;
  url: string;
  replayed: boolean;
}

const MAX_ATTEMPTS = 4;

/** PostgreSQL 40001/40P01 through either driver adapter, or Prisma's P2034. */
export function isRetryableConflict(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const c = e as { code?: unknown; kind?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (c.code === 'P2034' || c.code === '40001' || c.code === '40P01' || c.kind === 'TransactionWriteConflict') return true;
    if (c.originalCode === '40001' || c.originalCode === '40P01') return true;
    e = c.meta?.driverAdapterError ?? c.cause;
  }
  return false;
}

export async function withRetry<T>(deps: RetryDeps, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
      deps.onConflictRetry?.();
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
    }
  }
}

export interface CreateOptions {
  /** Reserve the new row's id with the token (its result URL is then known from the start). */
  reserve?: { table: 'sales'; prefix: string };
}

/**
 * Runs `work` once per form token: a repeated token returns the first result instead.
 * With `reserve`, `work` gets the id the new row must take.
 */
export async function createOnce(
  deps: RetryDeps,
  actor: Scope,
  token: string,
  work: (uow: UnitOfWork<TenantTransaction>, reservedId: number) => Promise<{ id: number; url: string }>,
  options: CreateOptions = {},
): Promise<Created> {
  try {
    return await withRetry(deps, () =>
      inTransaction(
        actor.db,
        async (uow) => {
          const { reserve } = options;
          if (reserve) {
            const id = await claimFormTokenFor(uow.tx, actor.tenantId, token, reserve.table, reserve.prefix);
            if (id === null) throw new AlreadySubmitted();
            return { ...(await work(uow, id)), replayed: false };
          }
          if (!(await claimFormToken(uow.tx, actor.tenantId, token))) throw new AlreadySubmitted();
          const result = await work(uow, 0);
          await recordFormResult(uow.tx, actor.tenantId, token, result.url);
          return { ...result, replayed: false };
        },
        {},
        (error) => deps.logger.warn({ err: error }, 'after-commit hook failed'),
      ),
    );
  } catch (error) {
    if (!(error instanceof AlreadySubmitted)) throw error;
    const url = await formResult(actor.db, token);
    return { id: idFromUrl(url), url: url ?? '', replayed: true };
  }
}
