import { LRUCache } from 'lru-cache';
import { deepFreeze } from './freeze.ts';
import type { CacheKeys } from './keys.ts';

// The in-process tier (L1): bounded by entries and bytes, each entry living no longer than
// its copy in the second tier, values deep-frozen because every caller shares them.
// Invalidation drops the entries of a tenant-module and bumps a local epoch for it; a loader
// compares the epoch it started under before putting its result here, so a result computed
// before an invalidation never lands after it.
// It also remembers each tenant-module's Redis generation for a moment, so a Redis read is
// one GET rather than an MGET with the generation key. Both are local knowledge kept right
// by the same bus messages (and dropped whole when the bus may have missed one); the
// generation is also forgotten after GENERATION_TTL_MS, bounding the cost of a lost message.

export interface LocalEntry {
  value: unknown;
  freshUntil: number;
  notFound: boolean;
}

export const GENERATION_TTL_MS = 1000;

export class LocalCache {
  private readonly lru: LRUCache<string, LocalEntry>;
  // Keyed by tenant id, then module name: a number and a literal hash at once, where a key
  // built as `${tenantId}:${module}` on every read had to be hashed afresh each time.
  private readonly tenantEpochs = new Map<number, number>();
  private readonly moduleEpochs = new Map<number, Map<string, number>>();
  private readonly generations = new Map<number, Map<string, { generation: string; until: number }>>();
  private globalEpoch = 0;

  constructor(
    private readonly keys: CacheKeys,
    limits: { maxEntries: number; maxBytes: number },
    /** False when CACHE_L1_ENABLED=false: only epochs and generations are kept. */
    readonly storesValues = true,
  ) {
    this.lru = new LRUCache<string, LocalEntry>({ max: limits.maxEntries, maxSize: limits.maxBytes, sizeCalculation: () => 1 });
  }

  get size(): number {
    return this.lru.size;
  }

  get(key: string): LocalEntry | undefined {
    return this.storesValues ? this.lru.get(key) : undefined;
  }

  /** A number that changes whenever the tenant-module (or its tenant, or everything) is invalidated. */
  epoch(tenantId: number, module: string): number {
    return this.globalEpoch + (this.tenantEpochs.get(tenantId) ?? 0) + (this.moduleEpochs.get(tenantId)?.get(module) ?? 0);
  }

  /** Stores the entry unless the tenant-module was invalidated since `epoch` was read. */
  put(key: string, tenantId: number, module: string, epoch: number, entry: LocalEntry, ttlMs: number, size: number): boolean {
    if (!this.storesValues || ttlMs <= 0 || this.epoch(tenantId, module) !== epoch) return false;
    deepFreeze(entry.value);
    this.lru.set(key, entry, { ttl: ttlMs, size: Math.max(1, size) });
    return true;
  }

  /** The tenant-module's Redis generation if learnt less than GENERATION_TTL_MS ago. */
  generation(tenantId: number, module: string, now = Date.now()): string | undefined {
    const known = this.generations.get(tenantId)?.get(module);
    return known !== undefined && known.until > now ? known.generation : undefined;
  }

  rememberGeneration(tenantId: number, module: string, epoch: number, generation: string): void {
    if (this.epoch(tenantId, module) !== epoch) return;
    let known = this.generations.get(tenantId);
    if (!known) this.generations.set(tenantId, (known = new Map()));
    known.set(module, { generation, until: Date.now() + GENERATION_TTL_MS });
  }

  forgetGeneration(tenantId: number, module: string): void {
    this.generations.get(tenantId)?.delete(module);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  invalidateModule(tenantId: number, module: string): void {
    let epochs = this.moduleEpochs.get(tenantId);
    if (!epochs) this.moduleEpochs.set(tenantId, (epochs = new Map()));
    epochs.set(module, (epochs.get(module) ?? 0) + 1);
    this.forgetGeneration(tenantId, module);
    this.dropPrefix(this.keys.modulePrefix(tenantId, module));
  }

  invalidateTenant(tenantId: number): void {
    this.tenantEpochs.set(tenantId, (this.tenantEpochs.get(tenantId) ?? 0) + 1);
    this.generations.delete(tenantId);
    this.dropPrefix(this.keys.tenantPrefix(tenantId));
  }

  /** Drops keys matching a predicate (a deletePattern heard from another instance). */
  dropWhere(test: (key: string) => boolean): void {
    for (const key of [...this.lru.keys()]) if (test(key)) this.lru.delete(key);
  }

  clear(): void {
    this.globalEpoch++;
    this.generations.clear();
    this.lru.clear();
  }

  private dropPrefix(prefix: string): void {
    if (this.lru.size === 0) return;
    this.dropWhere((key) => key.startsWith(prefix));
  }
}
