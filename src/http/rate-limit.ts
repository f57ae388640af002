import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { RedisClient as Redis } from '../cache/redis-connection.ts';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../db/errors.ts';

// Rate limits with rate-limiter-flexible under `<prefix>:rl:` in the sessions' Redis, each
// with an in-memory insurance limiter that takes over while Redis is down (so limits hold
// through an outage, per instance). Without REDIS_URL the in-memory limiter is the limiter.

export class TooManyRequestsError extends AppError {
  static override code = 'E_RATE_LIMITED';
  override readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many attempts. Try again in ${describeWait(retryAfterSeconds)}.`,
  ) {
    super(message);
  }
}

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export interface LimitSpec {
  /** Part of the key after `<prefix>:rl:`. */
  name: string;
  points: number;
  durationSeconds: number;
}

export interface RateLimiterOptions {
  redis: Redis | undefined;
  keyPrefix: string;
}

/** One limiter: RateLimiterRedis insured by RateLimiterMemory, or memory alone. */
export function createLimiter(options: RateLimiterOptions, spec: LimitSpec): RateLimiterAbstract {
  const keyPrefix = `${options.keyPrefix}:rl:${spec.name}`;
  const memory = new RateLimiterMemory({ keyPrefix, points: spec.points, duration: spec.durationSeconds });
  if (!options.redis) return memory;
  return new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix,
    points: spec.points,
    duration: spec.durationSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** Keys never carry an email address or a session id in clear text. */
export function limiterKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
}

export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * A generous limit on POSTs per session: one point per POST, 429 with Retry-After when the
 * minute's budget is spent. Mounted after the CSRF check, so every POST that gets here has
 * a session — except the sign-in form's, whose visitors have none yet (each gets a fresh
 * id here): sign-in attempts have their own, stricter limits (src/auth/login-throttle.ts).
 */
export function postRateLimit(limiter: RateLimiterAbstract): RequestHandler {
  return async (req, _res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH' && req.method !== 'DELETE') return next();
    const key = limiterKey('session', req.sessionID);
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes)
        throw new TooManyRequestsError(retryAfterSeconds(rejection), 'Too many requests in a short time. Wait a moment and try again.');
      // Neither Redis nor the insurance limiter answered: do not block the user for it.
    }
    next();
  };
}
