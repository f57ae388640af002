import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from './redis-connection.ts';

// Lua scripts run through EVALSHA, falling back to EVAL once when Redis has not seen them
// (first use, or after a restart emptied its script cache).

export class LuaScript {
  readonly sha: string;
  constructor(
    readonly source: string,
    readonly keyCount: number,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const keyCount = this.keyCount < 0 ? keys.length : this.keyCount;
    try {
      return await client.evalsha(this.sha, keyCount, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keyCount, ...keys, ...args);
    }
  }
}

/** KEYS: generation, value, tenant's module set. ARGV: body, ttl ms, expected ('*' or a generation), fresh generation, module. */
export const WRITE_IF_GENERATION = new LuaScript(
  `local g = redis.call('GET', KEYS[1])
local expected = ARGV[3]
if expected ~= '*' and g ~= expected then
  return 0
end
if not g then
  g = ARGV[4]
  redis.call('SET', KEYS[1], g)
end
redis.call('SET', KEYS[2], g .. ';' .. ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[5])
return 1`,
  3,
);

/**
 * KEYS: generation, tenant's module set. ARGV: fresh generation, module. The generation,
 * created when missing (and the module recorded, so invalidateTenant bumps it).
 */
export const ENSURE_GENERATION = new LuaScript(
  `local g = redis.call('GET', KEYS[1])
if g then return g end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return ARGV[1]`,
  2,
);

/** KEYS (any number): generation keys to bump. ARGV: fresh generation for a key that has none. */
export const BUMP_GENERATIONS = new LuaScript(
  `for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('INCR', key)
  else
    redis.call('SET', key, ARGV[1])
  end
end
return #KEYS`,
  -1,
);

/** KEYS: the tenant's module set. ARGV: generation key prefix of the tenant, fresh generation. */
export const BUMP_TENANT = new LuaScript(
  `local modules = redis.call('SMEMBERS', KEYS[1])
for i, module in ipairs(modules) do
  local key = ARGV[1] .. module
  if redis.call('EXISTS', key) == 1 then
    redis.call('INCR', key)
  else
    redis.call('SET', key, ARGV[2])
  end
end
return #modules`,
  1,
);

/** KEYS: lock. ARGV: token. Deletes the lock only if this holder still owns it. */
export const RELEASE_LOCK = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  1,
);
