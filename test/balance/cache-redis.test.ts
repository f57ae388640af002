import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createRedisConnections, type RedisConnections } from '../../src/cache/index.ts';
import { addToBalanceDays, balanceRows } from '../../src/balance/balance-days.ts';
import { ownerScope } from '../../src/db/scope.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { REDIS_TEST_URL, deleteKeysWithPrefix, rawRedis, uniquePrefix } from '../helpers/redis.ts';
import { silentLogger, testBalance, testCache } from './support.ts';

// Key layout and TTL of the balance cache as they land in Redis (L2).

describe('balance › cache in Redis', () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  let redis: RedisConnections;
  let raw: Redis;
  let balance: ReturnType<typeof testBalance>;
  const prefix = uniquePrefix('balance');
  const TTL = 45;

  beforeAll(async () => {
    const t = await createTestDatabase('pglite');
    prisma = t.db.prisma;
    drop = t.drop;
    redis = createRedisConnections({ url: REDIS_TEST_URL, connectTimeoutMs: 3000, commandTimeoutMs: 1000, logger: silentLogger });
    raw = rawRedis();
    // No stale grace, so the key's expiry is the TTL itself (±10% jitter).
    balance = testBalance(prisma, testCache(prisma, { keyPrefix: prefix, staleGrace: 0 }, redis), { ttlSeconds: TTL });
    for (let i = 0; i < 100 && (await balance.rawCache.health()).status !== 'ok'; i++) await new Promise((r) => setTimeout(r, 20));
  }, 180_000);
  afterAll(async () => {
    await balance?.close();
    await redis?.close();
    await deleteKeysWithPrefix(raw, prefix);
    raw?.disconnect();
    await drop?.();
  });

  it('stores a series under <prefix>:tenant:{<id>}:balance:series:<granularity>:<from>:<to>:<customer|all> for CACHE_BALANCE_TTL', async () => {
    const tenant = await prisma.tenant.create({ data: { name: 'Keys', timeZone: 'America/New_York' } });
    const customer = await prisma.customer.create({ data: { tenantId: tenant.id, name: 'C' } });
    await addToBalanceDays(prisma, tenant.id, balanceRows(customer.id, '2026-01-15', '10.05', '3.00'));
    await prisma.user.create({ data: { tenantId: tenant.id, email: `owner-${tenant.id}@keys.test`, passwordHash: '-', role: 'owner' } });
    const scope = await ownerScope(prisma, tenant.id);
    await balance.service.getBalanceSeries(scope, { from: '2026-01-01', to: '2026-01-31', granularity: 'day', customer: 'all' });
    await balance.service.getBalanceSeries(scope, { from: '2025-12-29', to: '2026-02-01', granularity: 'week', customer: customer.id });
    const keys = [
      `${prefix}:tenant:{${tenant.id}}:balance:series:daily:2026-01-01:2026-01-31:all`,
      `${prefix}:tenant:{${tenant.id}}:balance:series:weekly:2025-12-29:2026-02-01:${customer.id}`,
    ];
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      expect([key, ttl >= TTL * 900 - 1000 && ttl <= TTL * 1100]).toEqual([key, true]);
    }
    // Amounts travel as exact decimal text, never as floats.
    const body = await raw.get(keys[1]!);
    expect(body).toContain('"7.05"');
    const hit = await balance.service.getBalanceSeries(scope, {
      from: '2025-12-29',
      to: '2026-02-01',
      granularity: 'week',
      customer: customer.id,
    });
    expect(hit.status).toBe('HIT');
    expect(hit.value.buckets[2]!.balance.toFixed(2)).toBe('7.05');
  });
});
