import type { Response } from 'express';

type CacheStatus = 'HIT' | 'MISS' | 'STALE';

/**
 * X-Cache for a page built from one or more cached reads: MISS if any read missed,
 * else STALE if any was stale, else HIT. Also exposed to views as `fromCache`.
 */
export function setCacheStatus(res: Response, ...statuses: CacheStatus[]): CacheStatus {
  const status: CacheStatus = statuses.includes('MISS') ? 'MISS' : statuses.includes('STALE') ? 'STALE' : 'HIT';
  res.setHeader('X-Cache', status);
  res.locals.cacheStatus = status;
  return status;
}
