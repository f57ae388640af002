import DataLoader from 'dataloader';
import type { Redis } from 'ioredis';
import type { CacheKeys } from './keys.ts';
import { BUMP_GENERATIONS, BUMP_TENANT, WRITE_IF_GENERATION } from './lua.ts';
import { freshGeneration, type CacheStore, type StoreInfo, type StoreRead, type StoreWrite } from './store.ts';

// The Redis tier. A read is one MGET (generation + value), a write one Lua script that checks
// the generation and writes in the same step (no stale write-back), an invalidation one Lua
// script bumping counters: nothing here walks the keyspace except deleteMatching and
// countKeys, which are SCANs by contract.

const SCAN_COUNT = 1000;
// Value reads issued in the same turn of the event loop leave as one MGET: at saturation a
// command's own cost (a write syscall each) is most of a small read's cost, and one
// command of 50 keys costs Redis and this process far less than 50 (decision 006).
const MAX_READ_BATCH = 100;

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;

  private readonly rawReads: DataLoader<string, string | null>;

  constructor(
    private readonly client: Redis,
    private readonly keys: CacheKeys,
  ) {
    this.rawReads = new DataLoader((valueKeys) => (valueKeys.length === 1 ? client.get(valueKeys[0]!).then((value) => [value]) : client.mget(...valueKeys)), { cache: false, maxBatchSize: MAX_READ_BATCH });
  }

  async read(tenantId: number, module: string, valueKey: string): Promise<StoreRead> {
    const [generation, raw] = await this.client.mget(this.keys.generation(tenantId, module), valueKey);
    if (generation == null) return { generation: null, body: undefined };
    // A value from an older generation (or with none) is dead: invalidated, never served.
    const body = raw != null && raw.length > generation.length && raw.charCodeAt(generation.length) === 59 /* ; */ && raw.startsWith(generation) ? raw.slice(generation.length + 1) : undefined;
    return { generation, body };
  }

  readRaw(valueKey: string): Promise<string | null> {
    return this.rawReads.load(valueKey);
  }

  async write(entry: StoreWrite): Promise<boolean> {
    const expected = entry.expected === null ? '' : entry.expected;
    const written = await WRITE_IF_GENERATION.run(
      this.client,
      [this.keys.generation(entry.tenantId, entry.module), entry.valueKey, this.keys.modules(entry.tenantId)],
      [entry.body, entry.ttlMs, expected, freshGeneration(), entry.module],
    );
    return written === 1;
  }

  async delete(valueKey: string): Promise<void> {
    await this.client.unlink(valueKey);
  }

  async deleteMatching(pattern: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (batch.length) deleted += await this.client.unlink(...batch);
    } while (cursor !== '0');
    return deleted;
  }

  async bumpModules(pairs: ReadonlyArray<{ tenantId: number; module: string }>): Promise<void> {
    if (!pairs.length) return;
    const keys = [...new Set(pairs.map((p) => this.keys.generation(p.tenantId, p.module)))];
    await BUMP_GENERATIONS.run(this.client, keys, [freshGeneration()]);
  }

  async bumpTenant(tenantId: number): Promise<void> {
    await BUMP_TENANT.run(this.client, [this.keys.modules(tenantId)], [this.keys.generationPrefix(tenantId), freshGeneration()]);
  }

  async countKeys(tenantId: number): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', `${this.keys.tenantPrefix(tenantId)}*`, 'COUNT', SCAN_COUNT);
      cursor = next;
      for (const key of batch) {
        const parsed = this.keys.parse(key);
        if (parsed) counts[parsed.module] = (counts[parsed.module] ?? 0) + 1;
      }
    } while (cursor !== '0');
    return counts;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async info(): Promise<StoreInfo | null> {
    const info = parseInfo(await this.client.info());
    const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
    return {
      ...(info.used_memory_human !== undefined && { usedMemory: info.used_memory_human }),
      ...(num(info.evicted_keys) !== undefined && { evictedKeys: num(info.evicted_keys)! }),
      ...(num(info.uptime_in_seconds) !== undefined && { uptimeSeconds: num(info.uptime_in_seconds)! }),
      ...(info.run_id !== undefined && { runId: info.run_id }),
    };
  }

  async close(): Promise<void> {
    // The connections belong to whoever made them (createRedisConnections); nothing to do.
  }
}
