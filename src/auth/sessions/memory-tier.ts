import type { SessionData } from 'express-session';
import { ttlSeconds, type SessionTier } from './tier.ts';

/**
 * Sessions in this process (REDIS_URL unset: one instance only). Kept as JSON so callers
 * never share objects, bounded, and expired entries dropped on read and on a periodic sweep.
 */
export class MemorySessionTier implements SessionTier {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();

  constructor(
    private readonly idleTimeoutSeconds: number,
    private readonly maxEntries = 100_000,
  ) {}

  ready(): boolean {
    return true;
  }

  async get(sid: string): Promise<SessionData | null> {
    const entry = this.entries.get(sid);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(sid);
      return null;
    }
    return JSON.parse(entry.json) as SessionData;
  }

  async set(sid: string, session: SessionData): Promise<void> {
    const ttl = ttlSeconds(session, this.idleTimeoutSeconds);
    if (ttl <= 0) return this.destroy(sid);
    this.entries.delete(sid);
    if (this.entries.size >= this.maxEntries) this.sweep();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(sid, { json: JSON.stringify(session), expiresAt: Date.now() + ttl * 1000 });
  }

  async touch(sid: string, session: SessionData): Promise<void> {
    const entry = this.entries.get(sid);
    if (entry) entry.expiresAt = Date.now() + ttlSeconds(session, this.idleTimeoutSeconds) * 1000;
  }

  async destroy(sid: string): Promise<void> {
    this.entries.delete(sid);
  }

  sweep(): void {
    const now = Date.now();
    for (const [sid, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(sid);
  }
}
