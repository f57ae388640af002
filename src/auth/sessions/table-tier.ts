import type { SessionData } from 'express-session';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { expiresAt, type SessionTier } from './tier.ts';

// The PostgreSQL copy of every session (table `sessions`), written through on every change
// so that a Redis outage logs no one out (docs/decisions/003-session-store.md).
// A session destroyed while Redis could not be told is kept as a tombstone until the
// outage is reconciled, so Redis coming back with its old keys cannot bring it back.

const TOMBSTONE = { $destroyed: true } as const;

function isTombstone(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>).$destroyed === true;
}

export interface ChangedSession {
  sid: string;
  /** null: destroyed (tombstone) or expired. */
  session: SessionData | null;
}

export class TableSessionTier implements SessionTier {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly idleTimeoutSeconds: number,
  ) {}

  ready(): boolean {
    return true;
  }

  async get(sid: string): Promise<SessionData | null> {
    const row = await this.prisma.session.findUnique({ where: { sid }, select: { data: true, expiresAt: true } });
    if (!row || isTombstone(row.data) || row.expiresAt.getTime() <= Date.now()) return null;
    return row.data as unknown as SessionData;
  }

  async set(sid: string, session: SessionData): Promise<void> {
    const data = JSON.parse(JSON.stringify(session)) as Prisma.InputJsonValue;
    const fields = { data, userId: session.userId ?? null, expiresAt: expiresAt(session, this.idleTimeoutSeconds) };
    await this.prisma.session.upsert({ where: { sid }, create: { sid, ...fields }, update: fields });
  }

  async touch(sid: string, session: SessionData): Promise<void> {
    await this.prisma.session.updateMany({ where: { sid }, data: { expiresAt: expiresAt(session, this.idleTimeoutSeconds) } });
  }

  async destroy(sid: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { sid } });
  }

  /** Mark destroyed without deleting, for the outage reconciliation to remove from Redis. */
  async tombstone(sid: string): Promise<void> {
    // Upsert: Redis may hold a session this table never got (a failed write).
    const fields = { data: TOMBSTONE, userId: null, expiresAt: new Date(Date.now() + this.idleTimeoutSeconds * 1000) };
    await this.prisma.session.upsert({ where: { sid }, create: { sid, ...fields }, update: fields });
  }

  /** Sessions of a user, for ending them when the user is deactivated or changes password. */
  async sidsOfUser(userId: number): Promise<string[]> {
    const rows = await this.prisma.session.findMany({ where: { userId }, select: { sid: true } });
    return rows.map((r) => r.sid);
  }

  /** Rows written since `since`, oldest first, a page at a time. */
  async changedSince(since: Date, take = 500, skip = 0): Promise<ChangedSession[]> {
    const rows = await this.prisma.session.findMany({
      where: { updatedAt: { gte: since } },
      select: { sid: true, data: true, expiresAt: true },
      orderBy: [{ updatedAt: 'asc' }, { sid: 'asc' }],
      take,
      skip,
    });
    const now = Date.now();
    return rows.map((r) => ({
      sid: r.sid,
      session: isTombstone(r.data) || r.expiresAt.getTime() <= now ? null : (r.data as unknown as SessionData),
    }));
  }

  /** Remove expired rows (sessions and tombstones alike). */
  async sweepExpired(): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  }
}
