import type { EventModules, EventNames } from '../cache/index.ts';

// The settings' domain events and the cache modules a commit of each invalidates.
export const SETTINGS_EVENTS = {
  'category.created': ['categories', 'products'],
  'category.updated': ['categories', 'products'],
  'category.deleted': ['categories', 'products'],
  'uom.created': ['uom', 'products'],
  'uom.updated': ['uom', 'products'],
  'uom.deleted': ['uom', 'products'],
  // A time zone or currency change reshapes balance days and price display.
  'settings.updated': ['balance', 'products'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof SETTINGS_EVENTS> {}
}
