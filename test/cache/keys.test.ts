import { describe, expect, it } from 'vitest';
import { CacheKeyError } from '../../src/cache/errors.ts';
import { CacheKeys, escapeKey, hashTag, keyOf } from '../../src/cache/keys.ts';
import { globToRegExp } from '../../src/cache/glob.ts';

describe('cache', () => {
  describe('keys', () => {
    const keys = new CacheKeys('stock');

    it('builds <prefix>:tenant:{<tenantId>}:<module>:<key>', () => {
      expect(keys.value(1, 'balance', 'series:daily:2026-01-01:2026-01-31:all')).toBe(
        'stock:tenant:{1}:balance:series:daily:2026-01-01:2026-01-31:all',
      );
    });

    it('never builds a key without a positive integer tenant or a valid module', () => {
      for (const tenant of [
        0,
        -3,
        2.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 60,
        '1' as unknown as number,
        undefined as unknown as number,
      ]) {
        expect(() => keys.value(tenant, 'products', 'k')).toThrow(CacheKeyError);
      }
      for (const module of ['', 'Products', 'pro:ducts', 'a*', 'x'.repeat(40), 'tenant 2']) {
        expect(() => keys.value(1, module, 'k')).toThrow(CacheKeyError);
      }
      expect(() => keys.value(1, 'products', '')).toThrow(CacheKeyError);
      expect(() => keys.value(1, 'products', 'x'.repeat(2000))).toThrow(CacheKeyError);
    });

    it('escapes user text so it cannot hold glob characters, spaces or another tenant', () => {
      expect(escapeKey('q:tea *?[x]\\ é%')).toBe('q:tea%20%2A%3F%5Bx%5D%5C%20%C3%A9%25');
      const forged = keys.value(1, 'products', keyOf('search', '2:products:secret'));
      expect(forged).toBe('stock:tenant:{1}:products:search:2%3Aproducts%3Asecret'); // keyOf escapes ':' once; the store keeps an escaped key as it is
      expect(forged.startsWith('stock:tenant:{1}:products:')).toBe(true);
      expect(keyOf('a', 1, true, null, 'b:c')).toBe('a:1:true::b%3Ac');
    });

    it('escapes user text once: an escaped key is stored as it is', () => {
      for (const raw of ['q:tea *?[x]\\ é%', 'series:daily:2026-01-01:2026-01-31:all', '50%2', '中文 🧾'])
        expect(escapeKey(escapeKey(raw))).toBe(escapeKey(raw));
      expect(keys.value(1, 'products', keyOf('list', 'tea cup', 'all'))).toBe('stock:tenant:{1}:products:list:tea%20cup:all');
      expect(keyOf('q', '50%')).toBe('q:50%25');
    });

    it('keeps two emoji apart (escaped by code point, not by UTF-16 half)', () => {
      expect(keyOf('q', '🍎')).toBe('q:%F0%9F%8D%8E');
      expect(keyOf('q', '🍎')).not.toBe(keyOf('q', '🍌'));
    });

    it('replaces a long part by a readable start and a hash, so any search text makes a valid key', () => {
      const searches = [
        '中'.repeat(100),
        '🧾'.repeat(50),
        `e${'\u0301'.repeat(100)}`,
        'x'.repeat(100_000),
        `${'a'.repeat(60)}:${'b'.repeat(60)}`,
      ];
      const made = searches.map((q) => keys.value(1, 'products', keyOf('list', q, 'all', 'all', 'name', 1)));
      for (const key of made) {
        expect(key.length).toBeLessThan(300);
        expect(key).toMatch(/^stock:tenant:\{1\}:products:list:[A-Za-z0-9%._-]+\.[0-9a-f]{64}:all:all:name:1$/);
      }
      expect(made[0]).toContain(':list:%E4%B8%AD%E4%B8%AD'); // still readable at the start
      expect(new Set(made).size).toBe(searches.length);
      expect(keyOf('q', '中'.repeat(100))).not.toBe(keyOf('q', '中'.repeat(101)));
      expect(keyOf('q', 'x'.repeat(100))).toBe(`q:${'x'.repeat(100)}`); // at the limit: kept as typed
    });

    it('allows only glob and safe characters in a pattern, inside the module', () => {
      expect(keys.pattern(3, 'balance', 'series:*')).toBe('stock:tenant:{3}:balance:series:*');
      for (const bad of ['', 'a b', 'a\\*', '{x}']) expect(() => keys.pattern(3, 'balance', bad)).toThrow(CacheKeyError);
    });

    it('names generations, module sets and locks apart from values', () => {
      expect(keys.generation(4, 'uom')).toBe('stock:gen:{4}:uom');
      expect(keys.modules(4)).toBe('stock:mods:{4}');
      expect(keys.lock('stock:tenant:{4}:uom:all')).toBe('stock:lock:{4}:uom:all');
      expect(keys.parse('stock:tenant:{4}:uom:all')).toEqual({ tenantId: 4, module: 'uom' });
      expect(keys.parse('stock:gen:{4}:uom')).toBeUndefined();
    });

    it('puts every key of one business in one Redis Cluster slot, whatever the user typed', () => {
      const value = keys.value(4, 'products', keyOf('search', '{5} }{ {}'));
      const all = [value, keys.generation(4, 'products'), keys.modules(4), keys.lock(value), keys.pattern(4, 'products', '*')];
      expect(all.map(hashTag)).toEqual(['4', '4', '4', '4', '4']);
      expect(hashTag(keys.value(5, 'products', 'k'))).toBe('5');
    });
  });

  describe('glob patterns', () => {
    it('match as Redis MATCH does for * ? and classes', () => {
      const re = globToRegExp('p:tenant:1:balance:series:2026-0[1-2]-?*');
      expect(re.test('p:tenant:1:balance:series:2026-01-15')).toBe(true);
      expect(re.test('p:tenant:1:balance:series:2026-03-15')).toBe(false);
      expect(globToRegExp('a.b*').test('aXb')).toBe(false);
    });
  });
});
