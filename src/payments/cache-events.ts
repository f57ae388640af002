import type { EventModules, EventNames } from '../cache/index.ts';

// The payments part's domain events and the cache modules a commit of each invalidates: the
// payments list, the paid sale's open amount on the sales list, and the customer's open
// balance, limit reached and statement (customers).
export const PAYMENT_EVENTS = {
  'payment.registered': ['balance', 'payments-list', 'sales-list', 'customers'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof PAYMENT_EVENTS> {}
}
