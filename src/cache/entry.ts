import { deserialize, serialize } from './serializer.ts';

// What the cache stores under a value key:  <generation>;<freshUntil>;<kind>;<json>
// The generation is written by the store (inside its atomic set) and compared on read; the
// entry stays readable for the stale grace after freshUntil so a failing loader can fall
// back to it. kind: 'j' plain JSON, 't' tagged JSON (see serializer.ts), 'n' a cached null,
// 'u' a cached undefined ("not found", negatively cached).

export type EntryKind = 'j' | 't' | 'n' | 'u';

export interface EncodedEntry {
  /** Everything after the generation: `<freshUntil>;<kind>;<json>`. */
  body: string;
  /** Bytes the in-process tier charges for it. */
  size: number;
  notFound: boolean;
}

export interface DecodedEntry {
  value: unknown;
  freshUntil: number;
  notFound: boolean;
  size: number;
}

export function isNotFound(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Throws CacheSerializationError for a value that cannot be cached. */
export function encodeEntry(value: unknown, freshUntil: number): EncodedEntry {
  if (value === null) return { body: `${freshUntil};n;`, size: 16, notFound: true };
  if (value === undefined) return { body: `${freshUntil};u;`, size: 16, notFound: true };
  const { json, tagged } = serialize(value);
  const body = `${freshUntil};${tagged ? 't' : 'j'};${json}`;
  return { body, size: body.length * 2, notFound: false };
}

/** Decode a body (without generation); undefined when it is not one of ours. */
export function decodeBody(body: string): DecodedEntry | undefined {
  const a = body.indexOf(';');
  const b = a < 0 ? -1 : body.indexOf(';', a + 1);
  if (b < 0) return undefined;
  const freshUntil = Number(body.slice(0, a));
  const kind = body.charCodeAt(a + 1);
  const size = body.length * 2;
  switch (kind) {
    case 110 /* n */:
      return { value: null, freshUntil, notFound: true, size };
    case 117 /* u */:
      return { value: undefined, freshUntil, notFound: true, size };
    case 106 /* j */:
    case 116 /* t */:
      return { value: deserialize(body.slice(b + 1), kind === 116), freshUntil, notFound: false, size };
    default:
      return undefined;
  }
}

/** Split a stored string into generation and body; undefined when malformed. */
export function splitGeneration(raw: string): { generation: string; body: string } | undefined {
  const i = raw.indexOf(';');
  return i < 0 ? undefined : { generation: raw.slice(0, i), body: raw.slice(i + 1) };
}
