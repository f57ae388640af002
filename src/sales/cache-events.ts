import type { EventModules, EventNames } from '../cache/index.ts';

// The sales part's domain events and the cache modules a commit of each invalidates (profit:
// revenue, cost of goods sold and the stock value move with every one; dashboard: its recent
// sales, own sales of the day and low stock; sales-list: a sale's status and open amount;
// customers: open balances, the pickers' limit reached, statements). A sale paid at once
// records its payment too (payments-list); a cancellation or return records refunds, which
// only the statement (customers) shows.
export const SALES_EVENTS = {
  'sale.confirmed': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'payments-list', 'customers'],
  'sale.cancelled': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'customers'],
  'sale.returned': ['balance', 'products', 'profit', 'dashboard', 'sales-list', 'customers'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof SALES_EVENTS> {}
}
