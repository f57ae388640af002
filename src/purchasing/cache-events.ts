import type { EventModules, EventNames } from '../cache/index.ts';

// Purchasing's domain events: a receipt changes stock and average cost, so the stock value
// (suppliers and orders are not cached).
export const PURCHASING_EVENTS = {
  'purchase.received': ['products', 'profit'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof PURCHASING_EVENTS> {}
}
