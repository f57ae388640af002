import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createRedisConnections } from '../../src/cache/redis-connection.ts';
import { REDIS_TEST_URL } from '../helpers/redis.ts';

// ioredis arms a timer of commandTimeout for each command; the command client keeps an idle,
// unref'd one of the same duration for as long as it lives, so Node's timer list for that
// duration is not torn down and rebuilt around every command (the bench's L2 hit row).

describe('redis connections', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keep one idle timer of the command timeout while the command client lives, cleared when it ends', async () => {
    const started = vi.spyOn(globalThis, 'setInterval');
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    const redis = createRedisConnections({
      url: REDIS_TEST_URL,
      connectTimeoutMs: 3000,
      commandTimeoutMs: 1234,
      logger: pino({ level: 'silent' }),
    });
    const held = started.mock.calls.flatMap((call, i) => (call[1] === 1234 ? [started.mock.results[i]!.value as NodeJS.Timeout] : []));
    expect(held).toHaveLength(1); // the subscriber has no command timeout, so no timer of its own
    expect(held[0]!.hasRef()).toBe(false); // it never keeps the process alive
    if (redis.client.status !== 'ready') await once(redis.client, 'ready');
    await redis.client.get('stock:test:redis-connection:absent');
    expect(cleared).not.toHaveBeenCalledWith(held[0]);
    const ended = once(redis.client, 'end');
    await redis.close();
    await ended;
    expect(cleared).toHaveBeenCalledWith(held[0]);
  });
});
