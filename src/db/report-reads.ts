import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { createDatabase, type Database, type PrismaClient } from './client.ts';
import type { TenantDb } from './tenant-scope.ts';

// Report reads on PostgreSQL streaming replicas (DATABASE_REPLICA_URLS;
// docs/decisions/030-report-reads-on-read-replicas.md). A replica serves a report read only when it
// answers and has replayed the WAL up to the reader's last commit (read-your-writes: the
// session keeps that LSN, src/http/commit-position.ts); otherwise the primary does.

/** A replica that failed to answer is not asked again for this long (reads go to the primary). */
const DOWN_FOR_MS = 5000;

/** PostgreSQL's "X/Y" LSN as a number, to compare. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

interface Replica {
  database: Database;
  /** The tenant-scoped client of a tenant on this replica (memoised like the primary's). */
  tenantDb: (tenantId: number) => TenantDb;
  downUntil: number;
}

export interface ReportReads {
  /** The client for a report read of `tenantId` by someone whose last commit is at `readAfter` (an LSN). */
  reportDb(tenantId: number, readAfter: string | undefined, primary: TenantDb): Promise<TenantDb>;
  /** The primary's current WAL position: a reader who committed before this sees their write at it. */
  commitPosition(): Promise<string>;
  close(): Promise<void>;
}

export interface ReportReadsOptions {
  primary: PrismaClient;
  replicaUrls: string[];
  /** Builds a replica's tenant-scoped client the way the primary's are built (src/db/scope.ts). */
  tenantClients: (prisma: PrismaClient) => (tenantId: number) => TenantDb;
  metrics: Registry;
  logger: Logger;
  poolSize?: number;
  now?: () => number;
}

export async function createReportReads(options: ReportReadsOptions): Promise<ReportReads> {
  const { primary, logger } = options;
  const now = options.now ?? Date.now;
  const replicas: Replica[] = [];
  for (const url of options.replicaUrls) {
    const database = await createDatabase({ databaseUrl: url, poolSize: options.poolSize ?? 5 });
    replicas.push({ database, tenantDb: options.tenantClients(database.prisma), downUntil: 0 });
  }
  const reads = new Counter({
    name: 'stock_report_reads_total',
    help: 'Report reads by who served them: a replica, or the primary because the replica was behind the reader or did not answer',
    labelNames: ['served_by', 'reason'] as const,
    registers: [options.metrics],
  });
  const lag = new Gauge({
    name: 'stock_replica_replay_lag_seconds',
    help: 'Time since the last transaction a replica replayed was committed on the primary, as last seen (0 when idle and caught up)',
    labelNames: ['replica'] as const,
    registers: [options.metrics],
  });
  const behindBytes = new Gauge({
    name: 'stock_replica_behind_reader_bytes',
    help: "How far a replica's replay was behind the reader's last commit, when it had to fall back to the primary",
    labelNames: ['replica'] as const,
    registers: [options.metrics],
  });
  let next = 0;

  async function replayPosition(replica: Replica): Promise<{ lsn: string; lagSeconds: number } | undefined> {
    if (replica.downUntil > now()) return undefined;
    try {
      const [row] = await replica.database.prisma.$queryRawUnsafe<Array<{ lsn: string | null; lag: number | null; idle: boolean }>>(
        `SELECT pg_last_wal_replay_lsn()::text AS lsn,
                COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 AS lag,
                pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS idle`,
      );
      // Not a replica (no replay position): never serve reports from it.
      if (!row?.lsn) return undefined;
      return { lsn: row.lsn, lagSeconds: row.idle ? 0 : (row.lag ?? 0) };
    } catch (error) {
      replica.downUntil = now() + DOWN_FOR_MS;
      logger.warn(
        { replica: replica.database.describe, err: (error as Error).message },
        'read replica did not answer: reports read the primary',
      );
      return undefined;
    }
  }

  return {
    async reportDb(tenantId, readAfter, primaryDb) {
      let reason: 'behind' | 'unavailable' = 'unavailable';
      for (let i = 0; i < replicas.length; i++) {
        const replica = replicas[(next + i) % replicas.length]!;
        const position = await replayPosition(replica);
        if (!position) continue;
        lag.set({ replica: replica.database.describe }, position.lagSeconds);
        if (readAfter && lsnValue(position.lsn) < lsnValue(readAfter)) {
          behindBytes.set({ replica: replica.database.describe }, Number(lsnValue(readAfter) - lsnValue(position.lsn)));
          reason = 'behind';
          continue;
        }
        next = (next + i + 1) % replicas.length;
        reads.inc({ served_by: 'replica', reason: '' });
        return replica.tenantDb(tenantId);
      }
      reads.inc({ served_by: 'primary', reason });
      return primaryDb;
    },
    async commitPosition() {
      const [row] = await primary.$queryRawUnsafe<Array<{ lsn: string }>>('SELECT pg_current_wal_lsn()::text AS lsn');
      return row!.lsn;
    },
    async close() {
      await Promise.all(replicas.map((r) => r.database.close()));
    },
  };
}
