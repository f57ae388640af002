import type { EventModules, EventNames } from '../cache/index.ts';

// The sales part's domain events and the cache modules a commit of each invalidates.
export const SALES_EVENTS = {
  'sale.confirmed': ['balance', 'products'],
  'sale.cancelled': ['balance', 'products'],
  'sale.returned': ['balance', 'products'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof SALES_EVENTS> {}
}
