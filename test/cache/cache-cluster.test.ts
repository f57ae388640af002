import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisTopology } from '../../src/cache/redis-connection.ts';
import { RedisCluster } from '../helpers/redis-server.ts';
import { describeCacheBehaviour } from './cache-behaviour.suite.ts';
import { SETUP_TIMEOUT_MS } from './support.ts';

// The shared cache behaviour suite on a real three-master Redis Cluster this file starts:
// the API must not tell it from a single Redis, and no command may span two slots.

let cluster: RedisCluster | undefined;

beforeAll(async () => {
  cluster = await RedisCluster.start();
}, SETUP_TIMEOUT_MS);
afterAll(async () => {
  await cluster?.destroy();
});

describeCacheBehaviour({
  name: 'redis',
  label: 'a three-master Redis Cluster',
  get redis(): RedisTopology | undefined {
    return cluster && { kind: 'cluster', nodes: cluster.startupNodes };
  },
  // The cluster and its data are removed with the file's temporary directories.
  cleanup: async () => {},
});

describe('cache on a Redis Cluster', () => {
  it('spread the businesses over every master and never sent a command spanning slots', async () => {
    const errors = await cluster!.errorCounts();
    expect(errors.CROSSSLOT ?? 0).toBe(0);
    for (const server of cluster!.servers) expect(await cluster!.keyCount(server)).toBeGreaterThan(0);
  });
});
