import type { PrismaClient } from '../generated/prisma/client.ts';

// The transactional outbox of invalidations (table cache_invalidations). A row is written in
// the same database transaction as the change that causes it, so it exists exactly when the
// change committed; it is deleted once its invalidation reached the store. A row left behind
// (Redis down at commit, process died after commit) is applied by any instance: periodically,
// and by each instance before it trusts Redis again after a reconnect.

/** A module name meaning "every module of the tenant" (invalidateTenant). */
export const ALL_MODULES = '*';

/** What a transaction client must offer; both the bare and the tenant-scoped ones do. */
export interface OutboxTransaction {
  cacheInvalidation: {
    create(args: { data: { tenantId: number; modules: string[] }; select: { id: true } }): PromiseLike<{ id: bigint }>;
  };
}

export interface OutboxRow {
  id: bigint;
  tenantId: number;
  modules: string[];
}

const BATCH = 500;

export class Outbox {
  constructor(private readonly prisma: PrismaClient) {}

  async write(tx: OutboxTransaction, tenantId: number, modules: readonly string[]): Promise<bigint> {
    const row = await tx.cacheInvalidation.create({ data: { tenantId, modules: [...modules] }, select: { id: true } });
    return row.id;
  }

  /** Outside a transaction: an invalidation that could not reach Redis, kept for later. */
  async park(tenantId: number, modules: readonly string[]): Promise<void> {
    await this.prisma.cacheInvalidation.create({ data: { tenantId, modules: [...modules] }, select: { id: true } });
  }

  async remove(ids: readonly bigint[]): Promise<void> {
    if (ids.length) await this.prisma.cacheInvalidation.deleteMany({ where: { id: { in: [...ids] } } });
  }

  /** The oldest pending rows, optionally only those older than `olderThanMs`. */
  async pending(olderThanMs?: number): Promise<OutboxRow[]> {
    return this.prisma.cacheInvalidation.findMany({
      where: olderThanMs === undefined ? {} : { createdAt: { lt: new Date(Date.now() - olderThanMs) } },
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, tenantId: true, modules: true },
    });
  }

  async count(): Promise<number> {
    return this.prisma.cacheInvalidation.count();
  }
}

export { BATCH as OUTBOX_BATCH };
