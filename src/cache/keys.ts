import { createHash } from 'node:crypto';
import { CacheKeyError } from './errors.ts';

// Every Redis key the cache touches is built here, so the layout lives in one place:
//   values       <prefix>:tenant:{<tenantId>}:<module>:<key>
//   generations  <prefix>:gen:{<tenantId>}:<module>      (see generations in redis-store.ts)
//   module sets  <prefix>:mods:{<tenantId>}              (modules a tenant has cached)
//   locks        <prefix>:lock:{<tenantId>}:<module>:<key>
// The braces are a Redis Cluster hash tag: every key of one business hashes to the same
// slot, so the multi-key scripts and reads (generation + value) never span slots
// (decision 018). The prefix and key parts can hold no brace, so the tag is always this one.
// A key part may only hold [A-Za-z0-9:._-]; anything else is percent-encoded, so user text
// can neither smuggle in glob characters for deletePattern nor leave its tenant's prefix.
// Text is escaped once: a key already in escaped form (what keyOf returns) is stored as it
// is, so escapeKey(escapeKey(k)) === escapeKey(k). User text belongs in keyOf.

const MODULE = /^[a-z][a-z0-9_-]{0,31}$/;
const UNSAFE = /[^A-Za-z0-9:._-]/;
const UNSAFE_ALL = /[^A-Za-z0-9:._-]/gu; // by code point: an emoji is one character, not two halves
/** Safe characters and %XX escapes only: the form escapeKey and keyOf produce. */
const ESCAPED = /^(?:[A-Za-z0-9:._-]|%[0-9A-F]{2})*$/;
const PART_UNSAFE_ALL = /[^A-Za-z0-9._-]/gu;
/**
 * A part longer than this (escaped) becomes its first characters, '.', and the SHA-256 of
 * the whole part: a kept part is at most 100 characters and a hashed one at least 102
 * (a prefix of 37-48 escaped characters + 65), so the two forms can never be equal.
 */
const MAX_PART_LENGTH = 100;
const HASHED_PREFIX_LENGTH = 48;
const PATTERN_UNSAFE = /[^A-Za-z0-9:._*?[\]^-]/;
const MAX_KEY_LENGTH = 1024;

const knownModules = new Set<string>();

export function assertTenant(tenantId: number): void {
  if (!Number.isSafeInteger(tenantId) || tenantId <= 0)
    throw new CacheKeyError(`cache tenant id must be a positive integer (got ${String(tenantId)})`);
}

export function assertModule(module: string): void {
  if (knownModules.has(module)) return;
  if (typeof module !== 'string' || !MODULE.test(module))
    throw new CacheKeyError(`cache module must match ${MODULE} (got ${JSON.stringify(module)})`);
  knownModules.add(module);
}

function encodeChar(ch: string): string {
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** The key as stored: unchanged when it is already in escaped form, else percent-encoded. */
export function escapeKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new CacheKeyError('cache key must be a non-empty string');
  const escaped = !UNSAFE.test(key) || ESCAPED.test(key) ? key : key.replace(UNSAFE_ALL, encodeChar);
  if (escaped.length > MAX_KEY_LENGTH) throw new CacheKeyError(`cache key is longer than ${MAX_KEY_LENGTH} characters`);
  return escaped;
}

function keyPart(text: string): string {
  const escaped = text.replace(PART_UNSAFE_ALL, encodeChar);
  if (escaped.length <= MAX_PART_LENGTH) return escaped;
  // Readable start, cut between characters so no escape is split.
  let prefix = '';
  for (const ch of text) {
    const next = ch.replace(PART_UNSAFE_ALL, encodeChar);
    if (prefix.length + next.length > HASHED_PREFIX_LENGTH) break;
    prefix += next;
  }
  return `${prefix}.${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * Join parts into one key (already in escaped form, so the store does not escape it again),
 * escaping ':' inside each part too, so `keyOf('search', q)` keeps a search text containing
 * ':' from looking like two parts. Long parts are shortened to a prefix and a hash.
 */
export function keyOf(...parts: Array<string | number | boolean | null | undefined>): string {
  return parts.map((p) => keyPart(p === null || p === undefined ? '' : String(p))).join(':');
}

/**
 * The part of a key Redis Cluster hashes: the text inside its first {…} when non-empty,
 * else the whole key. Keys with the same tag are in the same slot.
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export class CacheKeys {
  readonly channel: string;
  constructor(readonly prefix: string) {
    this.channel = `${prefix}:cache:invalidations`;
  }

  modulePrefix(tenantId: number, module: string): string {
    assertTenant(tenantId);
    assertModule(module);
    return `${this.prefix}:tenant:{${tenantId}}:${module}:`;
  }

  tenantPrefix(tenantId: number): string {
    assertTenant(tenantId);
    return `${this.prefix}:tenant:{${tenantId}}:`;
  }

  value(tenantId: number, module: string, key: string): string {
    return this.modulePrefix(tenantId, module) + escapeKey(key);
  }

  /** A SCAN MATCH pattern inside one module; only glob characters and safe ones are allowed. */
  pattern(tenantId: number, module: string, pattern: string): string {
    if (typeof pattern !== 'string' || pattern.length === 0 || PATTERN_UNSAFE.test(pattern)) {
      throw new CacheKeyError('cache pattern may hold only letters, digits, ":._-" and the glob characters "*?[]^"');
    }
    return this.modulePrefix(tenantId, module) + pattern;
  }

  generation(tenantId: number, module: string): string {
    assertTenant(tenantId);
    return `${this.prefix}:gen:{${tenantId}}:${module}`;
  }

  modules(tenantId: number): string {
    assertTenant(tenantId);
    return `${this.prefix}:mods:{${tenantId}}`;
  }

  /** Prefix of generation keys for one tenant, completed with a module name inside Lua. */
  generationPrefix(tenantId: number): string {
    assertTenant(tenantId);
    return `${this.prefix}:gen:{${tenantId}}:`;
  }

  lock(valueKey: string): string {
    return `${this.prefix}:lock:${valueKey.slice(this.prefix.length + ':tenant:'.length)}`;
  }

  /** Tenant and module of a value key, for key counts; undefined for anything else. */
  parse(valueKey: string): { tenantId: number; module: string } | undefined {
    const head = `${this.prefix}:tenant:`;
    if (!valueKey.startsWith(head)) return undefined;
    const [tenant, module] = valueKey.slice(head.length).split(':', 2);
    const id = /^\{(\d+)\}$/.exec(tenant ?? '')?.[1];
    if (!id || !module) return undefined;
    return { tenantId: Number(id), module };
  }
}
