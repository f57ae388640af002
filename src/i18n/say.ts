import { AsyncLocalStorage } from 'node:async_hooks';
import type { TFunction } from 'i18next';
import { fixedT } from './index.ts';

// Messages with values in them ("Price must be a number (decimals after “,”)", "Only 1,5 ud
// of “Agua” in stock") are written where they are made — a schema's check, a service's
// refusal, a router's flash — in the language of the request being handled: the schemas and
// services know no request, so they ask here (an AsyncLocalStorage value set with the
// language, like the input locale). Outside a request (the CLI, the seed, tests) they are
// English. A fixed message stays its English key, translated where it is shown; the edge's
// `t` leaves an already written message as it is (it is no key).

const store = new AsyncLocalStorage<TFunction>();

/** Runs `fn` with messages written by `t` (its async continuations too). */
export function withReaderLanguage<T>(t: TFunction, fn: () => T): T {
  return store.run(t, fn);
}

/** `key` with `values`, in the language of the request being handled; English outside one. */
export function say(key: string, values?: Record<string, unknown>): string {
  const t = store.getStore() ?? fixedT('en');
  return values ? t(key, values) : t(key);
}

/** The language of the request being handled (`en` outside one), for libraries that bring their own translations. */
export function readerLanguage(): string {
  // i18next's fixed `t` names its language.
  const lng = (store.getStore() as { lng?: unknown } | undefined)?.lng;
  return typeof lng === 'string' ? lng : 'en';
}
