import type { CacheModule } from '../config.ts';
import type { CacheOptions, MemoizeResult, ModuleCache } from './types.ts';

// A module handle: the facade's operations with the module bound, so callers never spell a
// module name as a string and the compiler checks the one they name.

/** What the facade offers per module (cache-service.ts). */
export interface ModuleOps {
  get<T>(tenantId: number, module: CacheModule, key: string): Promise<T | undefined>;
  set<T>(tenantId: number, module: CacheModule, key: string, value: T, opts?: CacheOptions): Promise<void>;
  delete(tenantId: number, module: CacheModule, key: string): Promise<void>;
  deletePattern(tenantId: number, module: CacheModule, pattern: string): Promise<number>;
  memoize<T>(tenantId: number, module: CacheModule, key: string, loader: () => Promise<T>, opts?: CacheOptions): Promise<MemoizeResult<T>>;
  invalidateModule(tenantId: number, module: CacheModule): Promise<void>;
}

export class ModuleHandle<M extends CacheModule> implements ModuleCache<M> {
  constructor(
    private readonly ops: ModuleOps,
    readonly name: M,
  ) {}

  get<T>(tenantId: number, key: string): Promise<T | undefined> {
    return this.ops.get<T>(tenantId, this.name, key);
  }

  set<T>(tenantId: number, key: string, value: T, opts?: CacheOptions): Promise<void> {
    return this.ops.set(tenantId, this.name, key, value, opts);
  }

  delete(tenantId: number, key: string): Promise<void> {
    return this.ops.delete(tenantId, this.name, key);
  }

  deletePattern(tenantId: number, pattern: string): Promise<number> {
    return this.ops.deletePattern(tenantId, this.name, pattern);
  }

  memoize<T>(tenantId: number, key: string, loader: () => Promise<T>, opts?: CacheOptions): Promise<MemoizeResult<T>> {
    return this.ops.memoize(tenantId, this.name, key, loader, opts);
  }

  invalidate(tenantId: number): Promise<void> {
    return this.ops.invalidateModule(tenantId, this.name);
  }
}
