import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.ts';
import type { RedisConnections } from '../cache/redis-connection.ts';
import type { CacheService } from '../cache/index.ts';
import { checkHealth } from './health.service.ts';

/** /health, /health/cache and /metrics: public, no session, never credentials. */
export function healthRouter(deps: { db: Database; redis?: RedisConnections | undefined; cache: CacheService; metrics: Registry }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const report = await checkHealth(deps.db, deps.redis);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  router.get('/health/cache', async (_req, res) => {
    res.status(200).json(await deps.cache.health());
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  return router;
}
