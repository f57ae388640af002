import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.ts';
import type { RedisConnections } from '../cache/redis-connection.ts';
import type { CacheService } from '../cache/index.ts';
import { checkHealth } from './health.service.ts';

// /health: public, no session. /metrics: only with `Authorization: Bearer <METRICS_TOKEN>`
// (off when no token is configured) — it tells the Node version, memory and every
// business's cache counters. /health/cache: its status for anyone, its internals only
// with the token or for a signed-in user who may manage the cache (owners; docs/decisions/009).

export interface HealthDeps {
  db: Database;
  redis?: RedisConnections | undefined;
  cache: CacheService;
  metrics: Registry;
  metricsToken: string | undefined;
}

/** The request carries the metrics bearer token (compared in constant time). */
export function hasMetricsToken(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const header = req.headers.authorization;
  const sent = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return sent !== '' && timingSafeEqual(digest(sent), digest(token));
}

export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const report = await checkHealth(deps.db, deps.redis);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  router.get('/metrics', async (req, res) => {
    if (!deps.metricsToken) return res.status(404).type('text/plain').send('Not found\n');
    if (!hasMetricsToken(req, deps.metricsToken))
      return res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('Unauthorized\n');
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  return router;
}

/**
 * /health/cache, mounted after the session middleware (it reads a session when there is
 * one, and never makes one). `mayManageCache` tells whether the request's signed-in user may.
 */
export function cacheHealthRoute(deps: HealthDeps, mayManageCache: (req: Request) => Promise<boolean>): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' || req.path !== '/health/cache') return next();
    const health = await deps.cache.health();
    const details = hasMetricsToken(req, deps.metricsToken) || (await mayManageCache(req));
    res.status(200).json(details ? health : { status: health.status });
  };
}
