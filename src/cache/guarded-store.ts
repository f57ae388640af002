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
const succeeded = <T>(value: T): Attempt<T> => ({ ok: true, value });

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

  attempt<T>(module: string, operation: (store: CacheStore) => Promise<T>): Promise<Attempt<T>> {
    return this.run(module, operation, succeeded, SKIPPED);
  }

  /**
   * attempt() with the value mapped in the same step: `onValue(value)` on success, `skipped`
   * otherwise. The L2 read path uses it directly because every promise layer there costs
   * throughput at saturation (bench/parts/cache.ts); it is written with then() for the
   * same reason.
   */
  run<T, R>(module: string, operation: (store: CacheStore) => Promise<T>, onValue: (value: T) => R | Promise<R>, skipped: R): Promise<R> {
    if (!this.trusted || (this.connection !== undefined && this.connection.status !== 'ready') || !this.breaker.allow()) return Promise.resolve(skipped);
    let pending: Promise<T>;
    try {
      pending = operation(this.store);
    } catch (error) {
      this.failed(module, error);
      return Promise.resolve(skipped);
    }
    return pending.then(
      (value) => {
        this.breaker.success();
        return onValue(value);
      },
      (error: unknown) => {
        this.failed(module, error);
        return skipped;
      },
    );
  }

  private failed(module: string, error: unknown): void {
    this.breaker.failure();
    this.metrics.count(module, 'errors');
    this.logger.debug({ err: (error as Error)?.message, module }, 'cache: Redis operation failed');
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
