import type { CacheModule } from '../config.ts';

// The one declarative table of domain events → cache modules to invalidate (SPEC §5).
// Services name the event; no service lists modules by hand.

export const EVENT_MODULES = {
  'sale.confirmed': ['balance', 'products'],
  'sale.cancelled': ['balance', 'products'],
  'sale.returned': ['balance', 'products'],
  'payment.registered': ['balance'],
  'product.created': ['products'],
  'product.updated': ['products'],
  'product.deleted': ['products'],
  'product.adjusted': ['products'],
  'product.imported': ['products'],
  // A purchase received changes stock and average cost (suppliers and orders are not cached).
  'purchase.received': ['products'],
  'category.created': ['categories', 'products'],
  'category.updated': ['categories', 'products'],
  'category.deleted': ['categories', 'products'],
  'uom.created': ['uom', 'products'],
  'uom.updated': ['uom', 'products'],
  'uom.deleted': ['uom', 'products'],
  // A time zone or currency change reshapes balance days and price display.
  'settings.updated': ['balance', 'products'],
} as const satisfies Record<string, readonly CacheModule[]>;

export type DomainEvent = keyof typeof EVENT_MODULES;

export function modulesFor(event: DomainEvent): readonly CacheModule[] {
  const modules = EVENT_MODULES[event] as readonly CacheModule[] | undefined;
  if (!modules) throw new Error(`unknown domain event ${JSON.stringify(event)}`);
  return modules;
}
