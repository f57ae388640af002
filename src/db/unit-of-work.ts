import type { PrismaClient } from '../generated/prisma/client.ts';

/** The client handed to code inside a transaction. */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * A database transaction plus the work to do once it has committed (cache invalidation,
 * background warm-up). Hooks never run if the transaction rolls back.
 */
export interface UnitOfWork {
  tx: TransactionClient;
  afterCommit(hook: () => void | Promise<void>): void;
}

export interface TransactionOptions {
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  timeoutMs?: number;
}

/** Run `work` in one transaction; after it commits, run the hooks it registered, in order. */
export async function inTransaction<T>(
  prisma: PrismaClient,
  work: (uow: UnitOfWork) => Promise<T>,
  options: TransactionOptions = {},
  onHookError: (error: unknown) => void = () => {},
): Promise<T> {
  const hooks: Array<() => void | Promise<void>> = [];
  const result = await prisma.$transaction(
    (tx) => work({ tx, afterCommit: (hook) => hooks.push(hook) }),
    { isolationLevel: options.isolationLevel, timeout: options.timeoutMs ?? 15_000, maxWait: 10_000 },
  );
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
