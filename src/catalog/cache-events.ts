import type { EventModules, EventNames } from '../cache/index.ts';

// The catalog's domain events and the cache modules a commit of each invalidates. Each can
// change the stock value (opening stock, a cost set by hand, a correction, a product's
// category or name), hence profit; and the dashboard's low stock (quantity, reorder level,
// name, active).
export const CATALOG_EVENTS = {
  'product.created': ['products', 'profit', 'dashboard'],
  'product.updated': ['products', 'profit', 'dashboard'],
  'product.deleted': ['products', 'profit', 'dashboard'],
  'product.adjusted': ['products', 'profit', 'dashboard'],
  'product.imported': ['products', 'profit', 'dashboard'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof CATALOG_EVENTS> {}
}
