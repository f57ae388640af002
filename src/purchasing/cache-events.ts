import type { EventModules, EventNames } from '../cache/index.ts';

// Purchasing's domain events and the cache modules a commit of each invalidates. The products
// module holds the product lists and the reorder list, which reads what is on order or in a
// draft and who each product is bought from. A receipt also changes the stock value (profit) and the dashboard's low stock.
export const PURCHASING_EVENTS = {
  'supplier.saved': ['products'],
  'purchase.drafted': ['products'],
  'purchase.ordered': ['products'],
  'purchase.cancelled': ['products'],
  'purchase.received': ['products', 'profit', 'dashboard'],
  'purchase.productTermsSet': ['products'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof PURCHASING_EVENTS> {}
}
