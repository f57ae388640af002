import type { Database } from '../db/client.ts';
import type { RedisConnections } from '../cache/redis-connection.ts';

export type ComponentState = 'ok' | 'down' | 'not configured';

export interface HealthReport {
  status: 'ok' | 'down';
  app: 'ok';
  database: ComponentState;
  redis: ComponentState;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/** Liveness of the app and readiness of what it depends on; the app is ready when the database is. */
export async function checkHealth(db: Database, redis: RedisConnections | undefined): Promise<HealthReport> {
  const [database, redisState] = await Promise.all([
    withTimeout(db.prisma.$queryRaw`SELECT 1`, 2000).then(
      (): ComponentState => 'ok',
      (): ComponentState => 'down',
    ),
    redis
      ? withTimeout(redis.client.ping(), 1000).then(
          (): ComponentState => 'ok',
          (): ComponentState => 'down',
        )
      : Promise.resolve<ComponentState>('not configured'),
  ]);
  return { status: database === 'ok' ? 'ok' : 'down', app: 'ok', database, redis: redisState };
}
