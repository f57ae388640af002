import type { CacheService } from '../cache/index.ts';
import { modulesFor } from '../cache/index.ts';
import { BALANCE_MODULE } from './cache-keys.ts';

// The cache as every service sees it, telling `onBalanceInvalidated` whenever a tenant's
// balance module has been invalidated: after the commit for invalidateAfterCommit (the
// hook is registered after the cache's own, so it runs once the invalidation is applied;
// never on rollback), at once for invalidateModule / invalidateTenant. Every other method
// is the cache's own.

export function notifyBalanceInvalidations(cache: CacheService, onBalanceInvalidated: (tenantId: number) => void): CacheService {
  const overrides: Partial<CacheService> = {
    async invalidateModule(tenantId, module) {
      await cache.invalidateModule(tenantId, module);
      if (module === BALANCE_MODULE) onBalanceInvalidated(tenantId);
    },
    async invalidateTenant(tenantId) {
      await cache.invalidateTenant(tenantId);
      onBalanceInvalidated(tenantId);
    },
    async invalidateAfterCommit(uow, tenantId, event) {
      await cache.invalidateAfterCommit(uow, tenantId, event);
      if ((modulesFor(event) as readonly string[]).includes(BALANCE_MODULE)) uow.afterCommit(() => onBalanceInvalidated(tenantId));
    },
  };
  return new Proxy(cache, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof CacheService];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
