import { Prisma } from '../generated/prisma/client.ts';

// Values in the in-process tier are shared by every caller, so they are frozen: a caller
// that mutates one gets a TypeError instead of corrupting what the next caller reads.
// Object.freeze does not stop Date's setters (they write an internal slot), so each frozen
// Date gets own setter properties that throw. Decimals are immutable by API; freezing them
// is enough.

const DATE_SETTERS = Object.getOwnPropertyNames(Date.prototype).filter((name) => name.startsWith('set'));

function refuse(): never {
  throw new TypeError('Cannot modify a cached Date: values from the cache are read-only');
}

export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Date) {
    for (const name of DATE_SETTERS) Object.defineProperty(value, name, { value: refuse, enumerable: false });
    return Object.freeze(value);
  }
  if (Prisma.Decimal.isDecimal(value)) return Object.freeze(value);
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
