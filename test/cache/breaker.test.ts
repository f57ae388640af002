import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../src/cache/breaker.ts';
import { InvalidationJournal } from '../../src/cache/journal.ts';
import { EventMap, type DomainEvent } from '../../src/cache/events.ts';
import type { CacheModule } from '../../src/config.ts';
import { SALES_EVENTS } from '../../src/sales/cache-events.ts';
import { moduleTtlSeconds, jitteredTtlMs } from '../../src/cache/ttl.ts';
import { testCacheConfig } from '../helpers/redis.ts';
import { PART_EVENTS } from './support.ts';

describe('cache', () => {
  describe('circuit breaker', () => {
    it('opens after consecutive failures, half-opens after the interval, closes on a good probe', () => {
      let now = 0;
      const changes: BreakerState[] = [];
      const breaker = new CircuitBreaker(
        { failureThreshold: 3, openMs: 100 },
        (s) => changes.push(s),
        () => now,
      );
      breaker.failure();
      breaker.failure();
      breaker.success(); // not consecutive
      breaker.failure();
      breaker.failure();
      expect(breaker.state).toBe('closed');
      breaker.failure();
      expect(breaker.state).toBe('open');
      expect(breaker.allow()).toBe(false);
      now = 100;
      expect(breaker.state).toBe('half-open');
      expect(breaker.allow()).toBe(true);
      expect(breaker.allow()).toBe(false); // one probe at a time
      breaker.failure();
      expect(breaker.state).toBe('open');
      now = 250;
      expect(breaker.allow()).toBe(true);
      breaker.success();
      expect(breaker.state).toBe('closed');
      expect(changes).toEqual(['open', 'closed']);
    });
  });

  describe('event map', () => {
    it('maps every domain event to its modules', () => {
      const expected: Record<DomainEvent, string[]> = {
        'sale.confirmed': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'payments-list', 'customers'],
        'sale.cancelled': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'customers'],
        'sale.returned': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'customers'],
        'payment.registered': ['balance', 'payments-list', 'sales-list', 'customers'],
        'product.created': ['products', 'profit', 'dashboard'],
        'product.updated': ['products', 'profit', 'dashboard'],
        'product.deleted': ['products', 'profit', 'dashboard'],
        'product.adjusted': ['products', 'profit', 'dashboard'],
        'product.imported': ['products', 'profit', 'dashboard'],
        'supplier.saved': ['products'],
        'purchase.drafted': ['products'],
        'purchase.ordered': ['products'],
        'purchase.cancelled': ['products'],
        'purchase.received': ['products', 'profit', 'dashboard'],
        'purchase.productTermsSet': ['products'],
        'category.created': ['categories', 'products'],
        'category.updated': ['categories', 'products', 'profit'],
        'category.deleted': ['categories', 'products', 'profit'],
        'uom.created': ['uom', 'products'],
        'uom.updated': ['uom', 'products', 'dashboard'],
        'uom.deleted': ['uom', 'products', 'dashboard'],
        'paymentMethod.saved': ['balance', 'payments-list', 'customers'],
        'settings.updated': ['balance', 'products', 'profit', 'dashboard', 'viewer', 'sales-list', 'payments-list', 'customers'],
        'user.created': ['viewer'],
        'user.roleChanged': ['viewer'],
        'user.activeChanged': ['viewer'],
        'user.passwordChanged': ['viewer'],
        'user.twoFactorChanged': ['viewer'],
        'user.languageChanged': ['viewer'],
        'business.twoFactorRuleChanged': ['viewer'],
        'customer.created': ['customers'],
        'customer.updated': ['dashboard', 'sales-list', 'payments-list', 'customers'],
      };
      // Declared by the parts that own the events, as each part does when it is built.
      const events = new EventMap();
      for (const declared of PART_EVENTS) events.declare(declared);
      expect(events.entries()).toEqual(expected);
      expect(() => events.modulesFor('sale.deleted' as DomainEvent)).toThrow();
      events.declare(SALES_EVENTS); // the same declaration again (a second build) is harmless
      expect(() => events.declare({ 'sale.confirmed': ['balance'] })).toThrow(/declared twice/);
    });
  });

  describe('TTLs', () => {
    it('uses the module TTL, the default for other modules, and jitters within ±10%', () => {
      const config = testCacheConfig({ defaultTtl: 42 });
      expect(moduleTtlSeconds(config, 'uom')).toBe(3600);
      expect(moduleTtlSeconds(config, 'reports' as CacheModule)).toBe(42);
      expect(moduleTtlSeconds(config, 'toString' as CacheModule)).toBe(42);
      for (let i = 0; i < 1000; i++) {
        const ms = jitteredTtlMs(60);
        expect(ms).toBeGreaterThanOrEqual(54_000);
        expect(ms).toBeLessThanOrEqual(66_000);
      }
    });
  });

  describe('invalidation journal', () => {
    it('keeps the invalidations of the recent window only', () => {
      const journal = new InvalidationJournal(1000);
      journal.record(1, 'products', 0);
      journal.record(2, 'uom', 500);
      journal.record(1, 'products', 900);
      expect(journal.recent(1200)).toEqual([
        { tenantId: 2, module: 'uom' },
        { tenantId: 1, module: 'products' },
      ]);
      expect(journal.recent(1600)).toEqual([{ tenantId: 1, module: 'products' }]);
    });
  });
});
