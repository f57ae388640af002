import { CACHE_MODULES, type CacheModule } from '../config.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';
import { decodeBody, encodeEntry, isNotFound, splitGeneration, type DecodedEntry, type EncodedEntry } from './entry.ts';
import type { DomainEvent, EventModules } from './events.ts';
import { deepFreeze } from './freeze.ts';
import { globToRegExp } from './glob.ts';
import { assertTenant } from './keys.ts';
import { ModuleHandle } from './module-cache.ts';
import { ALL_MODULES, type OutboxTransaction } from './outbox.ts';
import type { LocalEntry } from './local-cache.ts';
import type { CacheParts, Lookup } from './parts.ts';
import { SingleFlight } from './single-flight.ts';
import type { ExpectedGeneration, StoreRead } from './store.ts';
import { jitteredTtlMs, moduleTtlSeconds } from './ttl.ts';
import { cacheHealth, cacheStats, keyCounts, redisInfo } from './report.ts';
import type {
  CacheHealth,
  CacheOptions,
  CacheService,
  CacheStats,
  InvalidationListener,
  MemoizeResult,
  ModuleCache,
  RedisInfo,
} from './types.ts';

// The facade: one API over the two tiers. Reads go L1 → store; a miss in memoize runs the
// loader once per process (single flight) and once across processes (loader-lock.ts);
// writes are conditional on the generation the read saw (no stale write-back); Redis
// trouble never throws (guarded-store.ts), it only makes calls skip the cache.

const MAX_STALE_LOGGED = 10_000;

function isNewer(generation: string, than: string): boolean {
  try {
    return BigInt(generation) > BigInt(than);
  } catch {
    return true; // not a number: let the authoritative read decide
  }
}

export class TieredCacheService implements CacheService {
  private readonly flights = new SingleFlight<MemoizeResult<unknown>>();
  private readonly staleLogged = new Set<string>();
  private readonly graceMs: number;
  private readonly handles = new Map<CacheModule, ModuleCache>();
  private readonly listeners = new Map<string, Set<InvalidationListener>>();

  constructor(private readonly parts: CacheParts) {
    this.graceMs = parts.config.staleGrace * 1000;
  }

  module<M extends CacheModule>(name: M): ModuleCache<M> {
    let handle = this.handles.get(name);
    if (!handle) this.handles.set(name, (handle = new ModuleHandle(this, name)));
    return handle as ModuleCache<M>;
  }

  declareEvents(events: EventModules): void {
    this.parts.events.declare(events);
  }

  declaredEvents(): Record<string, readonly CacheModule[]> {
    return this.parts.events.entries();
  }

  onInvalidated(target: CacheModule | DomainEvent, listener: InvalidationListener): () => void {
    let set = this.listeners.get(target);
    if (!set) this.listeners.set(target, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Each listener of any of `targets` once (a listener's error is logged, never thrown). */
  private notify(tenantId: number, targets: Iterable<string>): void {
    const due = new Set<InvalidationListener>();
    for (const target of targets) for (const listener of this.listeners.get(target) ?? []) due.add(listener);
    for (const listener of due) {
      try {
        listener(tenantId);
      } catch (error) {
        this.parts.logger.warn({ err: (error as Error).message, tenantId }, 'cache: an invalidation listener failed');
      }
    }
  }

  /** Local knowledge (L1 values, remembered generations) is only as good as the bus. */
  private get l1Usable(): boolean {
    return this.parts.bus.connected;
  }

  // get, lookup and readStore chain with then() rather than async/await: they sit on every
  // L2 read, and each async layer costs promises and microtasks a small read notices.
  get<T>(tenantId: number, module: CacheModule, key: string): Promise<T | undefined> {
    let valueKey: string;
    try {
      valueKey = this.parts.keys.value(tenantId, module, key);
    } catch (error) {
      // A bad key is a rejected promise, as from every other method, never a throw.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (!this.parts.config.enabled) return Promise.resolve(undefined);
    const local = this.l1Usable ? this.parts.l1.get(valueKey) : undefined;
    if (local !== undefined && local.freshUntil > Date.now()) {
      this.parts.metrics.l1Hit(module);
      return Promise.resolve(local.value as T);
    }
    const started = performance.now();
    return this.lookup(tenantId, module, valueKey, this.parts.l1.epoch(tenantId, module), local).then((found) => {
      this.parts.metrics.count(module, found.fresh ? 'hits' : 'misses');
      this.parts.metrics.observe('get', found.fresh ? 'l2' : 'none', started);
      return found.fresh?.value as T | undefined;
    });
  }

  async set<T>(tenantId: number, module: CacheModule, key: string, value: T, opts?: CacheOptions): Promise<void> {
    const valueKey = this.parts.keys.value(tenantId, module, key);
    const encoded = this.encode(module, value, opts);
    if (!this.parts.config.enabled) return;
    const started = performance.now();
    await this.write(tenantId, module, valueKey, encoded, '*', this.parts.l1.epoch(tenantId, module));
    this.parts.metrics.observe('set', 'l2', started);
  }

  async delete(tenantId: number, module: CacheModule, key: string): Promise<void> {
    const valueKey = this.parts.keys.value(tenantId, module, key);
    this.parts.l1.delete(valueKey);
    const done = await this.parts.guarded.attempt(module, (store) => store.delete(valueKey));
    if (done.ok) await this.parts.bus.publish({ tenantId, module, key: valueKey }).catch(() => {});
  }

  async deletePattern(tenantId: number, module: CacheModule, pattern: string): Promise<number> {
    const match = this.parts.keys.pattern(tenantId, module, pattern);
    const re = globToRegExp(match);
    this.parts.l1.dropWhere((key) => re.test(key));
    const done = await this.parts.guarded.attempt(module, (store) => store.deleteMatching(match));
    if (!done.ok) return 0;
    await this.parts.bus.publish({ tenantId, module, pattern: match }).catch(() => {});
    return done.value;
  }

  async memoize<T>(
    tenantId: number,
    module: CacheModule,
    key: string,
    loader: () => Promise<T>,
    opts?: CacheOptions,
  ): Promise<MemoizeResult<T>> {
    const valueKey = this.parts.keys.value(tenantId, module, key);
    if (!this.parts.config.enabled) return { value: await loader(), status: 'MISS' };
    const local = this.l1Usable ? this.parts.l1.get(valueKey) : undefined;
    if (local !== undefined && local.freshUntil > Date.now()) {
      this.parts.metrics.l1Hit(module);
      return { value: local.value as T, status: 'HIT' };
    }
    return this.flights.run(valueKey, () => this.load(tenantId, module, valueKey, loader, opts)) as Promise<MemoizeResult<T>>;
  }

  private async load(
    tenantId: number,
    module: CacheModule,
    valueKey: string,
    loader: () => Promise<unknown>,
    opts: CacheOptions | undefined,
  ): Promise<MemoizeResult<unknown>> {
    const { metrics, loaderLock } = this.parts;
    const started = performance.now();
    // Read before anything else: a result stored under this epoch/generation after an
    // invalidation would be a stale write-back, so both are checked when storing.
    const epoch = this.parts.l1.epoch(tenantId, module);
    let found = await this.lookup(tenantId, module, valueKey, epoch);
    if (found.fresh) {
      metrics.count(module, 'hits');
      metrics.observe('memoize', 'l2', started);
      return { value: deepFreeze(found.fresh.value), status: 'HIT' };
    }
    let token: string | undefined;
    if (loaderLock && found.generation !== undefined) {
      const outcome = await loaderLock.acquireOrWait(valueKey, module, found, () => this.lookup(tenantId, module, valueKey, epoch));
      if (outcome.found.fresh) {
        metrics.count(module, 'hits');
        metrics.observe('memoize', 'l2', started);
        return { value: deepFreeze(outcome.found.fresh.value), status: 'HIT' };
      }
      found = outcome.found;
      token = outcome.token;
    }
    metrics.count(module, 'misses');
    try {
      let value: unknown;
      const loadStarted = performance.now();
      try {
        value = await loader();
      } catch (error) {
        if (!found.stale) throw error;
        return this.serveStale(tenantId, module, valueKey, found.stale.value, error);
      } finally {
        metrics.observeLoader(module, loadStarted);
      }
      this.staleLogged.delete(valueKey);
      const encoded = this.encode(module, value, opts);
      const stored =
        found.generation === undefined
          ? this.decoded(encoded)
          : await this.write(tenantId, module, valueKey, encoded, found.generation, epoch);
      metrics.observe('memoize', 'loader', started);
      return { value: stored, status: 'MISS' };
    } finally {
      if (token) await loaderLock!.release(valueKey, module, token);
    }
  }

  private serveStale(tenantId: number, module: CacheModule, valueKey: string, value: unknown, error: unknown): MemoizeResult<unknown> {
    this.parts.metrics.count(module, 'stale');
    if (!this.staleLogged.has(valueKey)) {
      if (this.staleLogged.size >= MAX_STALE_LOGGED) this.staleLogged.clear();
      this.staleLogged.add(valueKey);
      this.parts.logger.warn({ tenantId, module, err: (error as Error)?.message }, 'cache: loader failed; serving a stale value');
    }
    return { value: deepFreeze(value), status: 'STALE' };
  }

  /** Both tiers, without counting; a fresh L2 value is copied into L1 unless invalidated meanwhile. */
  lookup(
    tenantId: number,
    module: CacheModule,
    valueKey: string,
    epoch = this.parts.l1.epoch(tenantId, module),
    local = this.l1Usable ? this.parts.l1.get(valueKey) : undefined,
  ): Promise<Lookup> {
    if (local !== undefined && local.freshUntil > Date.now()) return Promise.resolve({ fresh: local, generation: undefined });
    return this.readStore(tenantId, module, valueKey, epoch).then((read) => this.found(tenantId, module, valueKey, epoch, local, read));
  }

  private found(
    tenantId: number,
    module: CacheModule,
    valueKey: string,
    epoch: number,
    local: LocalEntry | undefined,
    read: StoreRead | undefined,
  ): Lookup {
    const now = Date.now();
    const localStale = local ? { value: local.value } : undefined;
    if (!read) return { generation: undefined, stale: localStale };
    const { generation, body } = read;
    let entry: DecodedEntry | undefined;
    try {
      entry = body === undefined ? undefined : decodeBody(body);
    } catch {
      entry = undefined; // unreadable: treat as absent, the next write replaces it
    }
    if (!entry) return { generation, stale: localStale };
    if (entry.freshUntil > now) {
      // Frozen when shared through L1; otherwise this caller's own copy.
      this.putLocal(tenantId, module, valueKey, epoch, entry);
      return { fresh: { value: entry.value, notFound: entry.notFound }, generation };
    }
    return { generation, stale: { value: entry.value } };
  }

  /**
   * The store's value under the current generation. With the generation remembered (and the
   * bus up to tell us when it changes) that is one GET; otherwise one MGET of both keys.
   * undefined: the store could not be asked.
   */
  private readStore(tenantId: number, module: CacheModule, valueKey: string, epoch: number): Promise<StoreRead | undefined> {
    const { guarded, l1 } = this.parts;
    const known = this.l1Usable ? l1.generation(tenantId, module) : undefined;
    if (known === undefined || !guarded.store.readRaw) return this.readBoth(tenantId, module, valueKey, epoch);
    return guarded
      .attempt(module, (store) => store.readRaw!(valueKey))
      .then((raw): StoreRead | undefined | Promise<StoreRead | undefined> => {
        if (!raw.ok) return undefined;
        const stored = raw.value;
        if (stored === null) return { generation: known, body: undefined };
        if (stored.charCodeAt(known.length) === 59 /* ; */ && stored.startsWith(known))
          return { generation: known, body: stored.slice(known.length + 1) };
        const split = splitGeneration(stored);
        if (split === undefined) return { generation: known, body: undefined };
        // Written under a newer generation than we know of: ours is out of date, ask Redis.
        if (!isNewer(split.generation, known)) return { generation: known, body: undefined };
        l1.forgetGeneration(tenantId, module);
        return this.readBoth(tenantId, module, valueKey, epoch);
      });
  }

  /** Generation and value in one read, the generation remembered for the next reads. */
  private readBoth(tenantId: number, module: CacheModule, valueKey: string, epoch: number): Promise<StoreRead | undefined> {
    const { guarded, l1 } = this.parts;
    return guarded
      .attempt(module, (store) => store.read(tenantId, module, valueKey))
      .then((read) => {
        if (!read.ok) return undefined;
        if (guarded.store.readRaw) l1.rememberGeneration(tenantId, module, epoch, read.value.generation);
        return read.value;
      });
  }

  private encode(module: CacheModule, value: unknown, opts: CacheOptions | undefined): EncodedEntry {
    const seconds = opts?.ttl ?? (isNotFound(value) ? this.parts.config.negativeTtl : moduleTtlSeconds(this.parts.config, module));
    return encodeEntry(value, Date.now() + jitteredTtlMs(seconds));
  }

  private decoded(encoded: EncodedEntry): unknown {
    return deepFreeze(decodeBody(encoded.body)!.value);
  }

  /** Writes to the store if the generation is still `expected`, and to L1 if the epoch is; returns the frozen copy. */
  private async write(
    tenantId: number,
    module: CacheModule,
    valueKey: string,
    encoded: EncodedEntry,
    expected: ExpectedGeneration,
    epoch: number,
  ): Promise<unknown> {
    const entry = decodeBody(encoded.body)!;
    const ttlMs = entry.freshUntil - Date.now() + this.graceMs;
    const result = await this.parts.guarded.attempt(module, (store) =>
      store.write({ tenantId, module, valueKey, body: encoded.body, ttlMs, expected }),
    );
    if (result.ok && result.value) this.parts.metrics.count(module, 'sets');
    // Refused under the generation this instance remembers: Redis has another one, or none (its
    // key was evicted or flushed). Forgotten, so the next read asks Redis (which creates a
    // missing one) instead of each load for the rest of GENERATION_TTL_MS being refused too.
    if (result.ok && !result.value && this.parts.l1.generation(tenantId, module) === expected)
      this.parts.l1.forgetGeneration(tenantId, module);
    // Generation moved on (invalidated while loading): the result goes to its caller only.
    if (!result.ok || result.value) this.putLocal(tenantId, module, valueKey, epoch, entry);
    return deepFreeze(entry.value);
  }

  private putLocal(tenantId: number, module: CacheModule, valueKey: string, epoch: number, entry: DecodedEntry): void {
    if (!this.parts.l1.storesValues || !this.l1Usable) return;
    this.parts.l1.put(
      valueKey,
      tenantId,
      module,
      epoch,
      { value: entry.value, freshUntil: entry.freshUntil, notFound: entry.notFound },
      entry.freshUntil + this.graceMs - Date.now(),
      entry.size,
    );
  }

  async invalidateModule(tenantId: number, module: CacheModule): Promise<void> {
    this.parts.keys.modulePrefix(tenantId, module);
    await this.parts.invalidator.invalidate(tenantId, [module]);
    this.notify(tenantId, [module]);
  }

  async invalidateTenant(tenantId: number): Promise<void> {
    assertTenant(tenantId);
    await this.parts.invalidator.invalidate(tenantId, [ALL_MODULES]);
    this.notify(tenantId, CACHE_MODULES); // every module; an event listener hears its event only
  }

  async invalidateAfterCommit(uow: UnitOfWork<OutboxTransaction>, tenantId: number, event: DomainEvent): Promise<void> {
    assertTenant(tenantId);
    const modules = this.parts.events.modulesFor(event);
    const rowId = await this.parts.outbox.write(uow.tx, tenantId, modules);
    uow.afterCommit(async () => {
      this.parts.reconciler.wake();
      await this.parts.invalidator.applyCommitted(rowId, tenantId, modules, () => this.notify(tenantId, [event, ...modules]));
    });
  }

  currentGenerations(tenantId: number, modules: readonly CacheModule[]): Promise<string[] | undefined> {
    assertTenant(tenantId);
    if (!this.parts.config.enabled) return Promise.resolve(undefined);
    const { guarded, l1 } = this.parts;
    // As for a read (readStore): remembered for a moment and dropped by the bus's messages, so
    // a page viewed again and again asks Redis about once a second, not on every view.
    const remembers = this.l1Usable && guarded.store.readRaw !== undefined;
    if (remembers) {
      const known = modules.map((module) => l1.generation(tenantId, module));
      if (known.every((generation) => generation !== undefined)) return Promise.resolve(known);
    }
    const epochs = modules.map((module) => l1.epoch(tenantId, module));
    return guarded
      .attempt(modules[0] ?? 'generations', (store) => store.currentGenerations(tenantId, modules))
      .then((read) => {
        if (!read.ok) return undefined;
        if (remembers) read.value.forEach((generation, i) => l1.rememberGeneration(tenantId, modules[i]!, epochs[i]!, generation));
        return read.value;
      });
  }

  isAvailable(): boolean {
    return this.parts.config.enabled && this.parts.guarded.available;
  }

  health(): Promise<CacheHealth> {
    return cacheHealth(this.parts, this.l1Usable);
  }

  stats(): CacheStats {
    return { ...cacheStats(this.parts), available: this.isAvailable(), loadsInFlight: this.flights.size };
  }

  keyCounts(tenantId: number): Promise<Record<string, number>> {
    return keyCounts(this.parts, tenantId);
  }

  redisInfo(): Promise<RedisInfo | null> {
    return redisInfo(this.parts);
  }

  async close(): Promise<void> {
    this.parts.reconciler.stop();
    await this.parts.bus.close();
    await this.parts.guarded.store.close();
    this.parts.l1.clear();
  }
}
