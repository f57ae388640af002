import { Store, type SessionData } from 'express-session';
import type { Logger } from '../../logger.ts';
import type { SessionTier } from './tier.ts';
import type { TableSessionTier } from './table-tier.ts';

// express-session store in two tiers (docs/decisions/003-session-store.md):
//  - fast: Redis (or the in-process map without REDIS_URL), read first;
//  - durable: the PostgreSQL `sessions` table, written through on every change and read
//    when the fast tier cannot answer or does not have the session.
// When a fast-tier command fails, the store enters "outage" mode: reads and writes go to
// PostgreSQL alone. Once Redis answers again, every row written since the outage began is
// copied back to Redis (destroyed ones deleted), repeating until a pass finds nothing new,
// and only then are reads served from Redis again. A user keeps working throughout and
// Redis never serves a session older than the table's.

export interface TieredSessionStoreOptions {
  fast: SessionTier;
  durable: TableSessionTier;
  logger: Logger;
  /** How often the table's expiry is pushed forward on a touch (ms). */
  durableTouchIntervalMs?: number;
  /**
   * How often the fast tier's expiry is pushed forward on a touch (ms; SESSION_TOUCH_INTERVAL_SECONDS).
   * The expiry then lags the cookie's by less than this, so the idle timeout holds to within it.
   */
  fastTouchIntervalMs?: number;
  /** Called on each write of the table's expiry (counted: the one database write a page view may make). */
  onDurableTouch?: () => void;
}

/** When each session's expiry was last pushed forward in one tier, by this process (bounded). */
class TouchTimes {
  private readonly at = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  /** True (and remembered) when the last push is at least the interval ago. */
  due(sid: string): boolean {
    if (Date.now() - (this.at.get(sid) ?? -Infinity) < this.intervalMs) return false;
    this.written(sid);
    return true;
  }

  /** A full write pushed the expiry too. */
  written(sid: string): void {
    this.at.delete(sid);
    if (this.at.size >= 50_000) this.at.delete(this.at.keys().next().value!);
    this.at.set(sid, Date.now());
  }

  forget(sid: string): void {
    this.at.delete(sid);
  }
}

type Callback = (err?: unknown, data?: SessionData | null) => void;

const OUTAGE_MARGIN_MS = 5_000;

export class TieredSessionStore extends Store {
  private readonly fast: SessionTier;
  private readonly durable: TableSessionTier;
  private readonly logger: Logger;
  private readonly durableTouches: TouchTimes;
  private readonly fastTouches: TouchTimes;
  private readonly onDurableTouch: (() => void) | undefined;
  private outageSince: number | undefined;
  private reconciling: Promise<void> | undefined;

  constructor(options: TieredSessionStoreOptions) {
    super();
    this.fast = options.fast;
    this.durable = options.durable;
    this.logger = options.logger;
    this.durableTouches = new TouchTimes(options.durableTouchIntervalMs ?? 60_000);
    this.fastTouches = new TouchTimes(options.fastTouchIntervalMs ?? 0);
    this.onDurableTouch = options.onDurableTouch;
  }

  /** True while sessions are served from PostgreSQL alone. */
  get degraded(): boolean {
    return this.outageSince !== undefined;
  }

  override get = (sid: string, cb: Callback): void => {
    this.read(sid).then(
      (s) => cb(null, s),
      (e: unknown) => cb(e),
    );
  };

  override set = (sid: string, session: SessionData, cb?: (err?: unknown) => void): void => {
    this.write(sid, session).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  };

  override touch = (sid: string, session: SessionData, cb?: (err?: unknown) => void): void => {
    this.refresh(sid, session).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  };

  override destroy = (sid: string, cb?: (err?: unknown) => void): void => {
    this.remove(sid).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  };

  async read(sid: string): Promise<SessionData | null> {
    if (this.useFast()) {
      try {
        const session = await this.fast.get(sid);
        if (session) return session;
      } catch (error) {
        this.enterOutage(error);
      }
    }
    const session = await this.durable.get(sid);
    // A session the fast tier lost (eviction, a Redis restart without its data): put it back.
    if (session && this.useFast()) this.fast.set(sid, session).catch((e: unknown) => this.enterOutage(e));
    return session;
  }

  async write(sid: string, session: SessionData): Promise<void> {
    this.durableTouches.written(sid);
    this.fastTouches.written(sid);
    const [durable, fast] = await Promise.allSettled([this.durable.set(sid, session), this.writeFast(() => this.fast.set(sid, session))]);
    if (durable.status === 'rejected') {
      // The table is the source of truth; without it a session write has not happened.
      if (fast.status === 'rejected' || this.degraded) throw durable.reason;
      this.logger.warn({ err: durable.reason }, 'session could not be written to the database; kept in Redis only');
    }
  }

  async refresh(sid: string, session: SessionData): Promise<void> {
    // A page view reads the session and writes nothing, unless its expiry is due to move on
    // in a tier. A failed Redis touch only starts the outage mode; the request goes on.
    const fast = this.fastTouches.due(sid) ? this.writeFast(() => this.fast.touch(sid, session)).catch(() => undefined) : undefined;
    if (this.durableTouches.due(sid)) {
      await this.durable.touch(sid, session);
      this.onDurableTouch?.();
    }
    await fast;
  }

  async remove(sid: string): Promise<void> {
    this.durableTouches.forget(sid);
    this.fastTouches.forget(sid);
    let fastDone = false;
    if (this.fast.ready() || !this.degraded) {
      try {
        await this.fast.destroy(sid);
        fastDone = true;
      } catch (error) {
        this.enterOutage(error);
      }
    }
    // Redis may still hold it: keep a tombstone that the reconciliation will apply.
    if (fastDone && !this.degraded) await this.durable.destroy(sid);
    else await this.durable.tombstone(sid);
  }

  /** End every session of a user except `exceptSid` (deactivation, password change). */
  async destroyUserSessions(userId: number, exceptSid?: string): Promise<number> {
    const sids = (await this.durable.sidsOfUser(userId)).filter((sid) => sid !== exceptSid);
    for (const sid of sids) await this.remove(sid);
    return sids.length;
  }

  /** Wait for a reconciliation in progress (tests, shutdown). */
  async settle(): Promise<void> {
    this.useFast();
    await this.reconciling;
  }

  private async writeFast(op: () => Promise<void>): Promise<void> {
    // In an outage, write to Redis too once it answers, so what the reconciliation copies
    // and what requests write meet in the same place.
    if (this.degraded && !this.fast.ready()) return;
    try {
      await op();
    } catch (error) {
      this.enterOutage(error);
      throw error;
    }
  }

  /** Whether reads may go to the fast tier; starts the reconciliation when Redis is back. */
  private useFast(): boolean {
    if (this.outageSince === undefined) return true;
    if (!this.reconciling && this.fast.ready()) {
      this.reconciling = this.reconcile().finally(() => {
        this.reconciling = undefined;
      });
    }
    return false;
  }

  private enterOutage(error: unknown): void {
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'session store: Redis is not answering; serving sessions from the database until it is back',
    );
  }

  private async reconcile(): Promise<void> {
    const started = Date.now();
    // The first pass reaches a little before the outage began (other instances' clocks);
    // later passes take what was written while the previous one ran, until one finds nothing.
    let since = new Date(this.outageSince! - OUTAGE_MARGIN_MS);
    let copied = 0;
    try {
      for (let pass = 0; pass < 10; pass++) {
        const passStart = new Date();
        let found = 0;
        for (let skip = 0; ; skip += 500) {
          const rows = await this.durable.changedSince(since, 500, skip);
          for (const row of rows) {
            if (row.session) await this.fast.set(row.sid, row.session);
            else await this.fast.destroy(row.sid);
          }
          found += rows.length;
          if (rows.length < 500) break;
        }
        copied += found;
        since = passStart;
        if (found === 0) break;
      }
      this.outageSince = undefined;
      this.logger.info(
        { copied, ms: Date.now() - started },
        'session store: Redis is back; sessions written during the outage copied to it',
      );
    } catch (error) {
      // Still failing: stay on the database and try again on a later request.
      this.logger.debug(
        { err: error instanceof Error ? error.message : String(error) },
        'session store: reconciliation failed; retrying later',
      );
    }
  }
}
