import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from './tenant-scope.ts';

/** The client handed to code inside a transaction on the bare client. */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
/** The client handed to code inside a transaction on a tenant-scoped client. */
export type TenantTransaction = Parameters<Parameters<TenantDb['$transaction']>[0]>[0];

/**
 * A database transaction plus the work to do once it has committed (cache invalidation,
 * background warm-up). Hooks never run if the transaction rolls back.
 */
export interface UnitOfWork<Tx = TenantTransaction> {
  tx: Tx;
  afterCommit(hook: () => void | Promise<void>): void;
}

export interface TransactionOptions {
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  timeoutMs?: number;
}

type TransactionOpts = { isolationLevel?: TransactionOptions['isolationLevel']; timeout?: number; maxWait?: number };
interface Transactional<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOpts): Promise<R>;
}

/** Run `work` in one transaction; after it commits, run the hooks it registered, in order. */
export async function inTransaction<Tx, T>(
  client: Transactional<Tx>,
  work: (uow: UnitOfWork<Tx>) => Promise<T>,
  options: TransactionOptions = {},
  onHookError: (error: unknown) => void = () => {},
): Promise<T> {
  const hooks: Array<() => void | Promise<void>> = [];
  const result = await client.$transaction((tx) => work({ tx, afterCommit: (hook) => hooks.push(hook) }), {
    isolationLevel: options.isolationLevel,
    timeout: options.timeoutMs ?? 15_000,
    maxWait: 10_000,
  });
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      // The data is committed; a failed hook must not turn the request into an error.
      onHookError(error);
    }
  }
  return result;
}
