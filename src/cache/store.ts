// The second tier behind one interface, so Redis and the in-process store (REDIS_URL unset)
// share the facade and the test suite. Generations make invalidation O(1): every value
// carries the generation of its tenant-module it was written under, invalidating a module
// bumps that one counter, and a value whose generation differs is not served.

export interface StoreRead {
  /**
   * The module's generation now. A module without one gets one on this read (atomically, so
   * concurrent first readers all see the same): every first loader then writes under it,
   * rather than one creating it and the others' writes being refused.
   */
  generation: string;
  /** The entry body when a value exists under the current generation. */
  body: string | undefined;
}

/** '*' = write whatever the generation; else only if it is unchanged. */
export type ExpectedGeneration = string;

export interface StoreWrite {
  tenantId: number;
  module: string;
  valueKey: string;
  body: string;
  ttlMs: number;
  expected: ExpectedGeneration;
}

export interface StoreInfo {
  usedMemory?: string;
  evictedKeys?: number;
  uptimeSeconds?: number;
  runId?: string;
}

export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  read(tenantId: number, module: string, valueKey: string): Promise<StoreRead>;
  /** The generations of `modules` now, in order, each created (as by read) when it has none. */
  currentGenerations(tenantId: number, modules: readonly string[]): Promise<string[]>;
  /** The stored string (generation;body) alone, for a caller that knows the generation. */
  readRaw?(valueKey: string): Promise<string | null>;
  /** Atomically checks the expected generation; false when it changed (nothing written). */
  write(entry: StoreWrite): Promise<boolean>;
  delete(valueKey: string): Promise<void>;
  /** SCAN MATCH + batched UNLINK; returns how many keys went. */
  deleteMatching(pattern: string): Promise<number>;
  bumpModules(pairs: ReadonlyArray<{ tenantId: number; module: string }>): Promise<void>;
  bumpTenant(tenantId: number): Promise<void>;
  /** Keys per module under a tenant's prefix (a SCAN; for the admin page, not hot paths). */
  countKeys(tenantId: number): Promise<Record<string, number>>;
  ping(): Promise<void>;
  info(): Promise<StoreInfo | null>;
  close(): Promise<void>;
}

/** A starting generation for a module that has none: unlike INCR from nothing (always 1),
 * it differs from any generation the module had before its counter was lost (eviction). */
export function freshGeneration(): string {
  return String(Date.now() * 1000 + Math.floor(Math.random() * 1000));
}
