import { AsyncLocalStorage } from 'node:async_hooks';
import { createFormatter, type Formatter } from './formatter.ts';

// The locale typed numbers are read in, for the request being handled: the shared form
// field schemas are built once at start-up, so they ask here at parse time. Outside a
// request (the CLI, tests, the demo seed) numbers are read as English ("12.50").

const store = new AsyncLocalStorage<{ locale: string }>();

/** Runs `fn` with numbers read in `locale` (its async continuations too). */
export function withInputLocale<T>(locale: string, fn: () => T): T {
  return store.run({ locale }, fn);
}

export function currentInputLocale(): string {
  return store.getStore()?.locale ?? 'en';
}

/**
 * Numbers inside messages that schemas and services make ("Only 1,5 ud in stock"): written in
 * the locale numbers are read in — the business's during a signed-in POST, English outside one.
 */
export function messageFormatter(currency = 'EUR'): Formatter {
  return createFormatter({ currency, timeZone: 'UTC', locale: currentInputLocale() });
}
