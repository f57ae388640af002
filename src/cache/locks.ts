import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from './redis-connection.ts';
import { RELEASE_LOCK } from './lua.ts';

// Cross-process loader lock: SET NX PX with a random token, released by a Lua script only
// by the holder that still owns it (an expired lock re-taken by another process is safe).
// If the holder dies, the lock simply expires after ttlMs.

export class RedisLocks {
  constructor(private readonly client: Redis) {}

  /** The token when taken, undefined when someone else holds it. */
  async acquire(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const ok = await this.client.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : undefined;
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.client.exists(key)) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await RELEASE_LOCK.run(this.client, [key], [token]);
  }
}
