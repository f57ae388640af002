import { LRUCache } from 'lru-cache';
import { globToRegExp } from './glob.ts';
import type { CacheKeys } from './keys.ts';
import { freshGeneration, type CacheStore, type StoreInfo, type StoreRead, type StoreWrite } from './store.ts';

// The in-process second tier used when REDIS_URL is unset (one instance only). It keeps the
// same stored format and generation rules as Redis, so the facade and the tests cannot tell
// them apart; bounded like the L1 so a single instance cannot grow without limit.

export class MemoryStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly values: LRUCache<string, string>;
  private readonly generations = new Map<string, string>();
  private readonly modules = new Map<number, Set<string>>();

  constructor(
    private readonly keys: CacheKeys,
    limits: { maxEntries: number; maxBytes: number },
  ) {
    this.values = new LRUCache<string, string>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (v, k) => (v.length + k.length) * 2,
    });
  }

  async read(tenantId: number, module: string, valueKey: string): Promise<StoreRead> {
    const generation = this.generations.get(this.keys.generation(tenantId, module));
    if (generation === undefined) return { generation: this.createGeneration(tenantId, module), body: undefined };
    const raw = this.values.get(valueKey);
    const body = raw !== undefined && raw.startsWith(`${generation};`) ? raw.slice(generation.length + 1) : undefined;
    return { generation, body };
  }

  async currentGenerations(tenantId: number, modules: readonly string[]): Promise<string[]> {
    return modules.map((module) => this.generations.get(this.keys.generation(tenantId, module)) ?? this.createGeneration(tenantId, module));
  }

  /** A module's first generation, created on first read as in Redis (store.ts): concurrent first loaders share it. */
  private createGeneration(tenantId: number, module: string): string {
    const created = freshGeneration();
    this.generations.set(this.keys.generation(tenantId, module), created);
    this.addModule(tenantId, module);
    return created;
  }

  async write(entry: StoreWrite): Promise<boolean> {
    const genKey = this.keys.generation(entry.tenantId, entry.module);
    let generation = this.generations.get(genKey);
    if (entry.expected !== '*' && entry.expected !== generation) return false;
    if (generation === undefined) {
      generation = freshGeneration();
      this.generations.set(genKey, generation);
    }
    this.values.set(entry.valueKey, `${generation};${entry.body}`, { ttl: entry.ttlMs });
    this.addModule(entry.tenantId, entry.module);
    return true;
  }

  private addModule(tenantId: number, module: string): void {
    let set = this.modules.get(tenantId);
    if (!set) this.modules.set(tenantId, (set = new Set()));
    set.add(module);
  }

  async delete(valueKey: string): Promise<void> {
    this.values.delete(valueKey);
  }

  async deleteMatching(pattern: string): Promise<number> {
    const re = globToRegExp(pattern);
    let deleted = 0;
    for (const key of [...this.values.keys()]) {
      if (re.test(key) && this.values.delete(key)) deleted++;
    }
    return deleted;
  }

  private bump(genKey: string): void {
    const current = this.generations.get(genKey);
    this.generations.set(genKey, current === undefined ? freshGeneration() : String(BigInt(current) + 1n));
  }

  async bumpModules(pairs: ReadonlyArray<{ tenantId: number; module: string }>): Promise<void> {
    for (const { tenantId, module } of pairs) this.bump(this.keys.generation(tenantId, module));
  }

  async bumpTenant(tenantId: number): Promise<void> {
    for (const module of this.modules.get(tenantId) ?? []) this.bump(this.keys.generation(tenantId, module));
  }

  async countKeys(tenantId: number): Promise<Record<string, number>> {
    const prefix = this.keys.tenantPrefix(tenantId);
    const counts: Record<string, number> = {};
    for (const key of this.values.keys()) {
      if (!key.startsWith(prefix)) continue;
      const parsed = this.keys.parse(key);
      if (parsed) counts[parsed.module] = (counts[parsed.module] ?? 0) + 1;
    }
    return counts;
  }

  async ping(): Promise<void> {}

  async info(): Promise<StoreInfo | null> {
    return null;
  }

  async close(): Promise<void> {
    this.values.clear();
  }
}
