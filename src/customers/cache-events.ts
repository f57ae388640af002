import type { EventModules, EventNames } from '../cache/index.ts';

// The customers part's domain events and the cache modules a commit of each invalidates: the
// dashboard's recent sales name their customer.
export const CUSTOMER_EVENTS = {
  'customer.updated': ['dashboard'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof CUSTOMER_EVENTS> {}
}
