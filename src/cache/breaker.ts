// Circuit breaker in front of Redis: after `failureThreshold` consecutive failures it opens
// and every call skips Redis at once (a dead Redis costs ~0 ms per request); after `openMs`
// it lets one probe through (half-open), whose outcome closes or re-opens it.

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(
    private readonly options: { failureThreshold: number; openMs: number },
    private readonly onChange: (state: BreakerState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) return 'half-open';
    return this.current;
  }

  /** Whether a call may go to Redis now; in half-open, only one probe at a time. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    if (this.state !== 'half-open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.transition('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.current !== 'closed' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.onChange(state);
  }
}
