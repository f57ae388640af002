import { afterAll } from 'vitest';
import { describeCacheBehaviour } from './cache-behaviour.suite.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL } from '../helpers/redis.ts';

const raw = rawRedis();
afterAll(() => raw.quit());

describeCacheBehaviour({
  name: 'redis',
  redis: REDIS_TEST_URL,
  cleanup: async (config) => {
    await deleteKeysWithPrefix(raw, config.keyPrefix);
  },
});
