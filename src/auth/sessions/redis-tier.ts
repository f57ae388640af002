import type { SessionData } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { RedisClient as Redis } from '../../cache/redis-connection.ts';
import type { SessionTier } from './tier.ts';

/**
 * Sessions in Redis through connect-redis on the app's ioredis client, under
 * `<prefix>:sess:<sid>` with the cookie's expiry as TTL. The client has no offline queue,
 * so while Redis is down every call fails at once instead of waiting.
 */
export class RedisSessionTier implements SessionTier {
  private readonly store: RedisStore;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    idleTimeoutSeconds: number,
  ) {
    this.store = new RedisStore({ client, prefix: `${keyPrefix}:sess:`, ttl: idleTimeoutSeconds });
  }

  get prefix(): string {
    return this.store.prefix;
  }

  ready(): boolean {
    return this.client.status === 'ready';
  }

  async get(sid: string): Promise<SessionData | null> {
    return ((await this.store.get(sid)) as SessionData | null) ?? null;
  }

  async set(sid: string, session: SessionData): Promise<void> {
    await this.store.set(sid, session);
  }

  async touch(sid: string, session: SessionData): Promise<void> {
    await this.store.touch(sid, session);
  }

  async destroy(sid: string): Promise<void> {
    await this.store.destroy(sid);
  }
}
