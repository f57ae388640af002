import type { RedisClient as Redis } from './redis-connection.ts';
import type { Logger } from '../logger.ts';
import type { GuardedStore } from './guarded-store.ts';
import { bumpGenerations, type Invalidator } from './invalidator.ts';
import type { InvalidationJournal } from './journal.ts';

// Decides when Redis may be trusted: only after (re)connecting, every pending outbox row has
// been applied to it, and, when Redis is a new process (its run_id changed; it may have come
// back from AOF/RDB without its last writes), this instance's recent invalidations have been
// applied again. Until then every cache call skips Redis and loaders run. Also drains the
// outbox for rows whose instance failed or died after commit: on a slow poll (an idle
// instance costs the database one query per CACHE_OUTBOX_POLL_MS), and shortly after each
// commit of this instance (wake()), when a peer that died mid-commit is most likely — so
// activity keeps leftovers short-lived without an idle instance polling every few seconds.

const RETRY_MS = 250;
/** A wake-up drains rows older than this, after waiting as long: the committing instance's own hook has run by then. */
export const WAKE_DELAY_MS = 2000;

export class Reconciler {
  private lastRunId: string | undefined;
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onReady = () => this.request();
  private readonly onClose = () => this.guarded.distrust('connection to Redis lost');
  private readonly onError = (error: Error) => {
    if (!this.guarded.isTrusted || this.client?.status !== 'ready') this.guarded.down(error.message);
  };

  constructor(
    private readonly client: Redis | undefined,
    private readonly guarded: GuardedStore,
    private readonly invalidator: Invalidator,
    private readonly journal: InvalidationJournal,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.client?.on('ready', this.onReady);
    this.client?.on('close', this.onClose);
    this.client?.on('error', this.onError);
    this.request();
    this.pollTimer = setInterval(() => void this.poll(), this.pollMs);
    this.pollTimer.unref();
  }

  /** Reconcile as soon as possible (now if connected); idempotent while one is running. */
  request(): void {
    if (this.stopped || this.running) return;
    if (this.client && this.client.status !== 'ready') return; // 'ready' will call us
    this.running = this.run().finally(() => (this.running = undefined));
  }

  /** Resolves when the current reconciliation (if any) has finished; for tests and start-up. */
  async settled(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    const store = this.guarded.store;
    try {
      const runId = (await store.info())?.runId;
      if (runId && this.lastRunId && runId !== this.lastRunId) {
        const recent = this.journal.recent();
        for (const { tenantId, module } of recent) await bumpGenerations(store, tenantId, [module]);
        if (recent.length)
          this.logger.info({ replayed: recent.length }, 'cache: Redis restarted; re-applied recent invalidations it may have lost');
      }
      const applied = await this.invalidator.drain(store);
      if (applied) this.logger.info({ applied }, 'cache: applied pending invalidations from the outbox');
      if (runId) this.lastRunId = runId;
      this.guarded.trust();
    } catch (error) {
      this.guarded.down((error as Error).message);
      this.logger.debug({ err: (error as Error).message }, 'cache: reconciling with Redis failed; retrying');
      if (!this.stopped) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.request(), RETRY_MS);
        this.retryTimer.unref();
      }
    }
  }

  /** A commit was made here: drain once soon (one pending wake-up at most). */
  wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.poll();
    }, WAKE_DELAY_MS);
    this.wakeTimer.unref();
  }

  /** Rows older than WAKE_DELAY_MS (or the poll, if shorter) were not deleted by their own after-commit hook. */
  private async poll(): Promise<void> {
    if (!this.guarded.isTrusted) return this.request();
    if (!this.guarded.available) return;
    try {
      await this.invalidator.drain(this.guarded.store, Math.min(this.pollMs, WAKE_DELAY_MS));
    } catch (error) {
      this.logger.debug({ err: (error as Error).message }, 'cache: periodic outbox drain failed');
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.wakeTimer);
    clearInterval(this.pollTimer);
    this.client?.off('ready', this.onReady);
    this.client?.off('close', this.onClose);
    this.client?.off('error', this.onError);
  }
}
