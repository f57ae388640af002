import type { EventModules, EventNames } from '../cache/index.ts';

// The customers part's domain events and the cache modules a commit of each invalidates: the
// dashboard's recent sales and the sales and payments lists name their customer; the customers
// module holds the customers list, the pickers, each customer's record and statement. A new
// customer has no sale or payment yet, so only the customers module shows them.
export const CUSTOMER_EVENTS = {
  'customer.created': ['customers'],
  'customer.updated': ['dashboard', 'sales-list', 'payments-list', 'customers'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof CUSTOMER_EVENTS> {}
}
