// Errors the cache throws at its callers. Both are programming errors (a bad key, a value
// that cannot be cached); Redis trouble never throws, it degrades (see guarded-store.ts).

export class CacheKeyError extends Error {
  static code = 'E_CACHE_KEY';
  readonly code = CacheKeyError.code;
}

export class CacheSerializationError extends Error {
  static code = 'E_CACHE_SERIALIZATION';
  readonly code = CacheSerializationError.code;
}
