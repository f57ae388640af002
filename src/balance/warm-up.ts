import type { Logger } from '../logger.ts';

// After an invalidation of a tenant's balance, recompute what its visitors read, in the
// background, so the next visitor finds it cached. Debounced per tenant with a leading
// edge: the first invalidation warms at once (right after the commit that caused it, the
// moment the cache is cold), the ones that follow within `delayMs` are folded into one
// more warm-up at the end of that window. A steady stream of sales therefore costs at
// most one warm-up per `delayMs` (500 ms by default: a sale a second is followed by a
// warm-up each time), and is never held off for ever.

export interface BalanceWarmerDeps {
  warm: (tenantId: number) => Promise<unknown>;
  logger: Logger;
  delayMs?: number;
}

export class BalanceWarmer {
  /** Tenants inside a window; `true` once another invalidation arrived in it. */
  private readonly windows = new Map<number, { timer: NodeJS.Timeout; again: boolean }>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;
  readonly delayMs: number;

  constructor(private readonly deps: BalanceWarmerDeps) {
    this.delayMs = deps.delayMs ?? 500;
  }

  /** A balance invalidation of `tenantId` was applied. */
  schedule(tenantId: number): void {
    if (this.closed) return;
    const window = this.windows.get(tenantId);
    if (window) {
      window.again = true;
      return;
    }
    this.run(tenantId);
    this.open(tenantId);
  }

  private open(tenantId: number): void {
    const timer = setTimeout(() => {
      const w = this.windows.get(tenantId);
      this.windows.delete(tenantId);
      if (w?.again && !this.closed) {
        this.run(tenantId);
        this.open(tenantId);
      }
    }, this.delayMs);
    timer.unref();
    this.windows.set(tenantId, { timer, again: false });
  }

  private run(tenantId: number): void {
    const run = this.deps
      .warm(tenantId)
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message, tenantId }, 'balance: warm-up failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Warm-ups running or waiting for the end of a window. */
  get pending(): number {
    return [...this.windows.values()].filter((w) => w.again).length + this.running.size;
  }

  /** Waits for the warm-ups under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.windows.values()) clearTimeout(w.timer);
    this.windows.clear();
    await this.idle();
  }
}
