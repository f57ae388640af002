import type { EventModules, EventNames } from '../cache/index.ts';

// The settings' domain events and the cache modules a commit of each invalidates.
export const SETTINGS_EVENTS = {
  // Categories name the profit report's rows (top categories, the stock value by category).
  'category.created': ['categories', 'products'],
  'category.updated': ['categories', 'products', 'profit'],
  'category.deleted': ['categories', 'products', 'profit'],
  'uom.created': ['uom', 'products'],
  // A unit's code shows beside the dashboard's low-stock quantities.
  'uom.updated': ['uom', 'products', 'dashboard'],
  'uom.deleted': ['uom', 'products', 'dashboard'],
  // A time zone or currency change reshapes balance days and price display (and the profit
  // report's, the day of the dashboard's own sales, the lists' day filters and the
  // statement's range); every page shows the name, zone, currency and locale from the viewer read.
  'settings.updated': ['balance', 'products', 'profit', 'dashboard', 'viewer', 'sales-list', 'payments-list', 'customers'],
  // A business's own payment method added, renamed or deactivated: the pages that name a
  // payment's method (the payments list, a customer's page and statement, the balance detail).
  'paymentMethod.saved': ['balance', 'payments-list', 'customers'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof SETTINGS_EVENTS> {}
}
