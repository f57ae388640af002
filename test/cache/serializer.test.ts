import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { CacheSerializationError } from '../../src/cache/errors.ts';
import { deserialize, serialize } from '../../src/cache/serializer.ts';
import { decodeBody, encodeEntry } from '../../src/cache/entry.ts';
import { deepFreeze } from '../../src/cache/freeze.ts';

const roundTrip = <T>(value: T): T => {
  const { json, tagged } = serialize(value);
  return deserialize(json, tagged) as T;
};

describe('cache', () => {
  describe('serializer', () => {
    it('round-trips Date, Decimal and bigint to the same type and exact value', () => {
      const value = {
        at: new Date('2026-02-28T12:00:00.001Z'),
        invalid: new Date(Number.NaN),
        money: new Prisma.Decimal('99999999999999.99'),
        rate: new Prisma.Decimal('0.0000001'),
        negZero: new Prisma.Decimal('-0'),
        huge: 2n ** 70n,
        list: [new Prisma.Decimal('1.10'), undefined, -0, Number.POSITIVE_INFINITY, Number.NaN],
      };
      const back = roundTrip(value);
      expect(back.at).toEqual(value.at);
      expect(Number.isNaN(back.invalid.getTime())).toBe(true);
      expect(back.money).toBeInstanceOf(Prisma.Decimal);
      expect(back.money.equals(value.money)).toBe(true);
      expect(back.rate.equals(value.rate)).toBe(true);
      expect(back.negZero.isNeg() && back.negZero.isZero()).toBe(true);
      expect(back.huge).toBe(2n ** 70n);
      expect(back.list[0]!.toString()).toBe('1.1');
      expect(back.list[1]).toBeUndefined();
      expect(Object.is(back.list[2], -0)).toBe(true);
      expect(back.list[3]).toBe(Number.POSITIVE_INFINITY);
      expect(back.list[4]).toBeNaN();
    });

    it('keeps plain JSON plain, and user objects that look like tags intact', () => {
      expect(serialize({ a: [1, 'x', true, null] })).toEqual({ json: '{"a":[1,"x",true,null]}', tagged: false });
      const lookalike = { $t: 'D', v: '2026-01-01' };
      expect(roundTrip(lookalike)).toEqual(lookalike);
      expect(roundTrip(Object.assign(Object.create(null), { a: 1 }))).toEqual({ a: 1 });
    });

    it('throws for what JSON would silently change or drop', () => {
      const cyclic: unknown[] = [];
      cyclic.push(cyclic);
      class Product {}
      for (const bad of [
        () => 1,
        Symbol('x'),
        cyclic,
        new Product(),
        new Map(),
        new Set(),
        new Uint8Array(2),
        { [Symbol('k')]: 1 },
        { deep: { fn() {} } },
      ]) {
        expect(() => serialize(bad)).toThrow(CacheSerializationError);
      }
      // A shared (not cyclic) reference is fine.
      const shared = { x: 1 };
      expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
    });

    it('stores "not found" as its own kind of entry', () => {
      expect(decodeBody(encodeEntry(null, 5).body)).toMatchObject({ value: null, notFound: true, freshUntil: 5 });
      expect(decodeBody(encodeEntry(undefined, 5).body)).toMatchObject({ value: undefined, notFound: true });
      expect(decodeBody(encodeEntry({ a: 'x;y' }, 7).body)).toMatchObject({ value: { a: 'x;y' }, notFound: false, freshUntil: 7 });
      expect(decodeBody('garbage')).toBeUndefined();
    });
  });

  describe('deepFreeze', () => {
    it('freezes nested objects, arrays and Dates (whose setters then throw)', () => {
      const value = deepFreeze({ list: [{ at: new Date(0), price: new Prisma.Decimal('1.5') }] });
      expect(Object.isFrozen(value.list[0])).toBe(true);
      expect(() => value.list[0]!.at.setTime(5)).toThrow(TypeError);
      expect(value.list[0]!.at.getTime()).toBe(0);
      expect(value.list[0]!.price.plus(1).toString()).toBe('2.5');
    });
  });
});
