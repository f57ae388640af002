import type { EventModules, EventNames } from '../cache/index.ts';

// The sales part's domain events and the cache modules a commit of each invalidates (profit:
// revenue, cost of goods sold and the stock value move with every one).
export const SALES_EVENTS = {
  'sale.confirmed': ['balance', 'products', 'profit'],
  'sale.cancelled': ['balance', 'products', 'profit'],
  'sale.returned': ['balance', 'products', 'profit'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof SALES_EVENTS> {}
}
