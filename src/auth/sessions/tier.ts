import type { SessionData } from 'express-session';

/** One place sessions are kept: Redis, the in-process map, or the PostgreSQL table. */
export interface SessionTier {
  get(sid: string): Promise<SessionData | null>;
  set(sid: string, session: SessionData): Promise<void>;
  touch(sid: string, session: SessionData): Promise<void>;
  destroy(sid: string): Promise<void>;
  /** Whether commands can be sent right now (ioredis 'ready'); the in-process tier always can. */
  ready(): boolean;
}

/** Seconds until the session's cookie expires (the idle timeout, rolled on every request). */
export function ttlSeconds(session: SessionData, fallbackSeconds: number): number {
  const expires = session.cookie?.expires;
  if (!expires) return fallbackSeconds;
  return Math.ceil((new Date(expires).getTime() - Date.now()) / 1000);
}

export function expiresAt(session: SessionData, fallbackSeconds: number): Date {
  return new Date(Date.now() + ttlSeconds(session, fallbackSeconds) * 1000);
}
