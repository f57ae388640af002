import type { EventModules, EventNames } from '../cache/index.ts';

// The catalog's domain events and the cache modules a commit of each invalidates.
export const CATALOG_EVENTS = {
  'product.created': ['products'],
  'product.updated': ['products'],
  'product.deleted': ['products'],
  'product.adjusted': ['products'],
  'product.imported': ['products'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof CATALOG_EVENTS> {}
}
