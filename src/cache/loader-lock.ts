import { setTimeout as sleep } from 'node:timers/promises';
import type { Lookup } from './parts.ts';
import type { GuardedStore } from './guarded-store.ts';
import type { CacheKeys } from './keys.ts';
import type { RedisLocks } from './locks.ts';

// Stampede protection across processes. The first process to miss takes a short Redis lock
// and loads; the others poll briefly for its value instead of all hitting the database. If
// the holder dies (its lock expires) a waiter takes the lock and loads; if waiting takes
// longer than waitMs, or Redis fails, a waiter simply loads itself: the lock saves work, it
// is never needed for correctness (generations are).

const POLL_MS = 20;

export interface LockOutcome {
  /** The latest read; `fresh` set when the holder's value arrived. */
  found: Lookup;
  /** Set when this process holds the lock and must release it after loading. */
  token?: string;
}

export class LoaderLock {
  constructor(
    private readonly keys: CacheKeys,
    private readonly locks: RedisLocks,
    private readonly guarded: GuardedStore,
    private readonly options: { ttlMs: number; waitMs: number },
  ) {}

  async acquireOrWait(valueKey: string, module: string, found: Lookup, reread: () => Promise<Lookup>): Promise<LockOutcome> {
    const lockKey = this.keys.lock(valueKey);
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const taken = await this.guarded.attempt(module, () => this.locks.acquire(lockKey, this.options.ttlMs));
      if (!taken.ok) return { found };
      if (taken.value) {
        // The previous holder may have stored its value just before we got the lock.
        const again = await reread();
        if (again.fresh) {
          await this.release(valueKey, module, taken.value);
          return { found: again };
        }
        return { found: mergeStale(again, found), token: taken.value };
      }
      // Someone else is loading: wait for their value, or for their lock to go.
      for (;;) {
        if (Date.now() >= deadline) return { found };
        await sleep(POLL_MS);
        const again = await reread();
        if (again.fresh || again.generation === undefined) return { found: again.fresh ? again : found };
        found = mergeStale(again, found);
        const held = await this.guarded.attempt(module, () => this.locks.isHeld(lockKey));
        if (!held.ok) return { found };
        if (!held.value) break; // holder finished without storing, or died: try to take it
      }
    }
  }

  async release(valueKey: string, module: string, token: string): Promise<void> {
    await this.guarded.attempt(module, () => this.locks.release(this.keys.lock(valueKey), token));
  }
}

function mergeStale(latest: Lookup, previous: Lookup): Lookup {
  return latest.stale || !previous.stale ? latest : { ...latest, stale: previous.stale };
}
