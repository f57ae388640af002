import type { Redis } from 'ioredis';
import { hashTag, type CacheKeys } from './keys.ts';
import { BUMP_GENERATIONS, BUMP_TENANT, ENSURE_GENERATION, WRITE_IF_GENERATION } from './lua.ts';
import { ReadBatch } from './read-batch.ts';
import { isCluster, type RedisClient } from './redis-connection.ts';
import { freshGeneration, type CacheStore, type StoreInfo, type StoreRead, type StoreWrite } from './store.ts';

// The Redis tier. A read is one MGET (generation + value), a write one Lua script that checks
// the generation and writes in the same step (no stale write-back), an invalidation one Lua
// script bumping counters: nothing here walks the keyspace except deleteMatching and
// countKeys, which are SCANs by contract.
//
// On a Redis Cluster every multi-key command stays inside one slot: a business's keys share
// its hash tag (keys.ts), batched reads and deletes are split by tag, and SCANs visit every
// master (decision 018).

const SCAN_COUNT = 1000;
// Value reads of one turn leave as one MGET (read-batch.ts, decision 006), at most this many.
const MAX_READ_BATCH = 100;

/** Keys grouped by hash tag, each group in one slot; order kept within a group. */
function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const tag = hashTag(key);
    const group = groups.get(tag);
    if (group) group.push(key);
    else groups.set(tag, [key]);
  }
  return [...groups.values()];
}

async function mgetBySlot(client: RedisClient, keys: readonly string[]): Promise<Array<string | null>> {
  if (!isCluster(client)) return client.mget(...keys);
  const groups = bySlot(keys);
  if (groups.length === 1) return client.mget(...keys);
  const values = new Map<string, string | null>();
  await Promise.all(
    groups.map(async (group) => {
      const got = await client.mget(...group);
      group.forEach((key, i) => values.set(key, got[i] ?? null));
    }),
  );
  return keys.map((key) => values.get(key) ?? null);
}

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

  private readonly rawReads: ReadBatch;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: CacheKeys,
  ) {
    this.rawReads = new ReadBatch(
      (key) => client.get(key),
      (keys) => mgetBySlot(client, keys),
      MAX_READ_BATCH,
    );
  }

  /** The servers a SCAN must visit: every master of a cluster, else the one server. */
  private scanTargets(): Redis[] {
    return isCluster(this.client) ? this.client.nodes('master') : [this.client];
  }

  async read(tenantId: number, module: string, valueKey: string): Promise<StoreRead> {
    const genKey = this.keys.generation(tenantId, module);
    const [generation, raw] = await this.client.mget(genKey, valueKey);
    if (generation == null) return { generation: await this.ensureGeneration(tenantId, module), body: undefined };
    // A value from an older generation (or with none) is dead: invalidated, never served.
    const body =
      raw != null && raw.length > generation.length && raw.charCodeAt(generation.length) === 59 /* ; */ && raw.startsWith(generation)
        ? raw.slice(generation.length + 1)
        : undefined;
    return { generation, body };
  }

  async currentGenerations(tenantId: number, modules: readonly string[]): Promise<string[]> {
    const found = await this.client.mget(...modules.map((module) => this.keys.generation(tenantId, module)));
    return Promise.all(found.map(async (generation, i) => generation ?? this.ensureGeneration(tenantId, modules[i]!)));
  }

  /** A module's generation when a read found none: created atomically, so concurrent first loaders share one. */
  private async ensureGeneration(tenantId: number, module: string): Promise<string> {
    const keys = [this.keys.generation(tenantId, module), this.keys.modules(tenantId)];
    return String(await ENSURE_GENERATION.run(this.client, keys, [freshGeneration(), module]));
  }

  readRaw(valueKey: string): Promise<string | null> {
    return this.rawReads.load(valueKey);
  }

  async write(entry: StoreWrite): Promise<boolean> {
    const written = await WRITE_IF_GENERATION.run(
      this.client,
      [this.keys.generation(entry.tenantId, entry.module), entry.valueKey, this.keys.modules(entry.tenantId)],
      [entry.body, entry.ttlMs, entry.expected, freshGeneration(), entry.module],
    );
    return written === 1;
  }

  async delete(valueKey: string): Promise<void> {
    await this.client.unlink(valueKey);
  }

  async deleteMatching(pattern: string): Promise<number> {
    let deleted = 0;
    for (const node of this.scanTargets()) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        // Through the cluster client, one UNLINK per slot: a node may hand over a slot mid-scan.
        for (const group of bySlot(batch)) deleted += await this.client.unlink(...group);
      } while (cursor !== '0');
    }
    return deleted;
  }

  async bumpModules(pairs: ReadonlyArray<{ tenantId: number; module: string }>): Promise<void> {
    if (!pairs.length) return;
    const keys = [...new Set(pairs.map((p) => this.keys.generation(p.tenantId, p.module)))];
    const fresh = freshGeneration();
    // One script per business: its generation keys share a slot, another business's may not.
    const groups = isCluster(this.client) ? bySlot(keys) : [keys];
    await Promise.all(groups.map((group) => BUMP_GENERATIONS.run(this.client, group, [fresh])));
  }

  async bumpTenant(tenantId: number): Promise<void> {
    await BUMP_TENANT.run(this.client, [this.keys.modules(tenantId)], [this.keys.generationPrefix(tenantId), freshGeneration()]);
  }

  async countKeys(tenantId: number): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const node of this.scanTargets()) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', `${this.keys.tenantPrefix(tenantId)}*`, 'COUNT', SCAN_COUNT);
        cursor = next;
        for (const key of batch) {
          const parsed = this.keys.parse(key);
          if (parsed) counts[parsed.module] = (counts[parsed.module] ?? 0) + 1;
        }
      } while (cursor !== '0');
    }
    return counts;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async info(): Promise<StoreInfo | null> {
    const all = await Promise.all(this.scanTargets().map(async (node) => parseInfo(await node.info())));
    const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
    if (!all.length) throw new Error('no Redis Cluster master is known yet');
    if (all.length === 1) {
      const info = all[0]!;
      return {
        ...(info.used_memory_human !== undefined && { usedMemory: info.used_memory_human }),
        ...(num(info.evicted_keys) !== undefined && { evictedKeys: num(info.evicted_keys)! }),
        ...(num(info.uptime_in_seconds) !== undefined && { uptimeSeconds: num(info.uptime_in_seconds)! }),
        ...(info.run_id !== undefined && { runId: info.run_id }),
      };
    }
    // A cluster: memory and evictions summed over the masters, the youngest uptime, and a
    // run id that changes when any master is a new process (it may have lost writes).
    const sum = (field: string) => all.reduce((total, info) => total + (num(info[field]) ?? 0), 0);
    return {
      usedMemory: `${(sum('used_memory') / (1024 * 1024)).toFixed(2)}M`,
      evictedKeys: sum('evicted_keys'),
      uptimeSeconds: Math.min(...all.map((info) => num(info.uptime_in_seconds) ?? 0)),
      runId: all
        .map((info) => info.run_id ?? '')
        .sort()
        .join(','),
    };
  }

  async close(): Promise<void> {
    // The connections belong to whoever made them (createRedisConnections); nothing to do.
  }
}
