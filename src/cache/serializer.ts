import { Prisma } from '../generated/prisma/client.ts';
import { CacheSerializationError } from './errors.ts';

// JSON with exact round-trips for the types Stock keeps in its values: Date, Prisma.Decimal
// (money is never a float, cache included) and bigint. They travel as {"$t": tag, "v": text};
// a plain object that itself has a "$t" key is wrapped as {"$t":"O","v":{...}} so it cannot be
// mistaken for one. Anything JSON would silently change or drop (functions, symbols, cycles,
// Map, class instances) throws CacheSerializationError at set time instead.

const Decimal = Prisma.Decimal;
type Tagged = { $t: string; v?: unknown };

export interface Serialized {
  json: string;
  /** False when no tag was written, so reading can use a plain JSON.parse. */
  tagged: boolean;
}

function fail(path: string, what: string): never {
  throw new CacheSerializationError(`cannot cache ${what} at ${path || 'the top level'}`);
}

function encode(value: unknown, path: string, seen: Set<object>, state: { tagged: boolean }): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      state.tagged = true;
      return { $t: 'F', v: String(Object.is(value, -0) ? '-0' : value) };
    case 'bigint':
      state.tagged = true;
      return { $t: 'B', v: value.toString() };
    case 'undefined':
      state.tagged = true;
      return { $t: 'U' };
    case 'function':
      return fail(path, 'a function');
    case 'symbol':
      return fail(path, 'a symbol');
    case 'object':
      break;
  }
  if (value === null) return null;
  const obj = value;
  if (obj instanceof Date) {
    state.tagged = true;
    const time = obj.getTime();
    return { $t: 'D', v: Number.isNaN(time) ? 'Invalid' : obj.toISOString() };
  }
  if (Decimal.isDecimal(obj)) {
    state.tagged = true;
    const d = obj;
    return { $t: 'N', v: d.isZero() && d.isNeg() ? '-0' : d.toString() };
  }
  if (seen.has(obj)) return fail(path, 'a cyclic reference');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((item, i) => encode(item, `${path}[${i}]`, seen, state));
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return fail(path, `an instance of ${proto?.constructor?.name ?? 'an unknown class'}`);
    if (Object.getOwnPropertySymbols(obj).length) return fail(path, 'an object with symbol keys');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue; // as JSON does: an absent property reads back as undefined too
      out[k] = encode(v, path ? `${path}.${k}` : k, seen, state);
    }
    if ('$t' in out) {
      state.tagged = true;
      return { $t: 'O', v: out };
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

export function serialize(value: unknown): Serialized {
  const state = { tagged: false };
  const tree = encode(value, '', new Set(), state);
  return { json: JSON.stringify(tree), tagged: state.tagged };
}

function decode(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = decode(node[i]);
    return node;
  }
  const obj = node as Record<string, unknown>;
  if (typeof obj.$t === 'string') {
    const { $t, v } = obj as Tagged;
    switch ($t) {
      case 'D':
        return new Date(v === 'Invalid' ? Number.NaN : (v as string));
      case 'N':
        return new Decimal(v as string);
      case 'B':
        return BigInt(v as string);
      case 'F':
        return Number(v);
      case 'U':
        return undefined;
      case 'O':
        for (const k of Object.keys(v as object)) (v as Record<string, unknown>)[k] = decode((v as Record<string, unknown>)[k]);
        return v;
    }
  }
  for (const k of Object.keys(obj)) obj[k] = decode(obj[k]);
  return obj;
}

export function deserialize(json: string, tagged: boolean): unknown {
  const tree: unknown = JSON.parse(json);
  return tagged ? decode(tree) : tree;
}
