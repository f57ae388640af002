import type { CacheModule } from '../config.ts';

// Domain events → the cache modules they invalidate. The cache knows no event of its own:
// each part declares the events it owns, with their modules, twice over: as a type (it
// merges its names into DomainEvents, so an undeclared event is a compile error) and when
// it is built (cache.declareEvents), which fills the map applied here. A part's file:
//
//   export const SALES_EVENTS = { 'sale.confirmed': ['balance', 'products'] } as const satisfies EventModules;
//   declare module '../cache/events.ts' { interface DomainEvents extends EventNames<typeof SALES_EVENTS> {} }

/** Every declared event's name (keys only; filled in by the parts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the parts merge their names in
export interface DomainEvents {}

export type DomainEvent = keyof DomainEvents & string;

/** What a part declares: each of its events with the modules a commit of it invalidates. */
export type EventModules = Readonly<Record<string, readonly CacheModule[]>>;

/** The type-level half of a declaration: the event names of an EventModules map. */
export type EventNames<E extends EventModules> = { readonly [K in keyof E]: true };

export class EventMap {
  private readonly modules = new Map<string, readonly CacheModule[]>();

  /** Adds a part's events; the same event declared again must name the same modules. */
  declare(events: EventModules): void {
    for (const [event, modules] of Object.entries(events)) {
      const known = this.modules.get(event);
      if (known && (known.length !== modules.length || known.some((m) => !modules.includes(m))))
        throw new Error(`domain event ${JSON.stringify(event)} is declared twice with different modules`);
      this.modules.set(event, Object.freeze([...modules]));
    }
  }

  modulesFor(event: DomainEvent): readonly CacheModule[] {
    const modules = this.modules.get(event);
    if (!modules) throw new Error(`no part declared the domain event ${JSON.stringify(event)} (cache.declareEvents)`);
    return modules;
  }

  /** Every declared event and its modules. */
  entries(): Record<string, readonly CacheModule[]> {
    return Object.fromEntries(this.modules);
  }
}
