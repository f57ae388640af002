import type { Logger } from '../logger.ts';
import { CircuitBreaker, type BreakerState } from './breaker.ts';
import type { CacheMetrics } from './metrics.ts';
import type { CacheStore } from './store.ts';

// Every call to the second tier goes through `attempt`: it skips Redis at once while the
// connection is down, not yet trusted (outbox not drained since it came back, see
// reconciler.ts) or the breaker is open; it turns failures into "not available" for the
// caller, feeds the breaker, and logs one warning per outage and one info line on recovery.

export type Attempt<T> = { ok: true; value: T } | { ok: false };
const SKIPPED: Attempt<never> = { ok: false };

export interface ConnectionState {
  readonly status: string;
}

export class GuardedStore {
  readonly breaker: CircuitBreaker;
  private trusted: boolean;
  private outage = false;

  constructor(
    readonly store: CacheStore,
    private readonly connection: ConnectionState | undefined,
    breakerOptions: { failureThreshold: number; openMs: number },
    private readonly metrics: CacheMetrics,
    private readonly logger: Logger,
  ) {
    // The in-process store is trusted from the start; Redis only once reconciled.
    this.trusted = store.kind === 'memory';
    this.breaker = new CircuitBreaker(breakerOptions, (state) => this.onBreaker(state));
  }

  get kind(): CacheStore['kind'] {
    return this.store.kind;
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Whether calls would go to the store now (does not take the half-open probe). */
  get available(): boolean {
    return this.trusted && (this.connection === undefined || this.connection.status === 'ready') && this.breaker.state !== 'open';
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  // Written with then() rather than async/await: this sits on every L2 read, and each async
  // layer costs a promise and a microtask that show up at saturation.
  attempt<T>(module: string, operation: (store: CacheStore) => Promise<T>): Promise<Attempt<T>> {
    if (!this.trusted || (this.connection !== undefined && this.connection.status !== 'ready') || !this.breaker.allow())
      return Promise.resolve(SKIPPED);
    let pending: Promise<T>;
    try {
      pending = operation(this.store);
    } catch (error) {
      return Promise.resolve(this.failed(module, error));
    }
    return pending.then(
      (value) => {
        this.breaker.success();
        return { ok: true as const, value };
      },
      (error: unknown) => this.failed(module, error),
    );
  }

  private failed(module: string, error: unknown): Attempt<never> {
    this.breaker.failure();
    this.metrics.count(module, 'errors');
    this.logger.debug({ err: (error as Error)?.message, module }, 'cache: Redis operation failed');
    return SKIPPED;
  }

  /** Redis came back and the outbox is applied: serve from it again. */
  trust(): void {
    this.trusted = true;
    this.breaker.success();
    this.recovered();
  }

  /** Redis may hold values whose invalidation has not reached it: stop serving from it. */
  distrust(reason: string): void {
    if (this.store.kind === 'memory') return;
    this.trusted = false;
    this.down(reason);
  }

  down(reason: string): void {
    if (this.outage) return;
    this.outage = true;
    this.logger.warn({ reason }, 'cache: Redis unavailable; reading from the database until it is back');
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.logger.info('cache: Redis available again; cache back in use');
  }

  private onBreaker(state: BreakerState): void {
    if (state === 'open') this.down('circuit breaker opened after consecutive Redis failures');
    else if (state === 'closed' && this.trusted) this.recovered();
  }
}
