import type { EventModules, EventNames } from '../cache/index.ts';

// The sign-in part's domain events: each changes what the sign-in guard reads of a user or
// of the business (the `viewer` module, src/auth/viewer.ts), so a commit of any of them
// reaches every instance's next request.
export const AUTH_EVENTS = {
  'user.created': ['viewer'],
  'user.roleChanged': ['viewer'],
  'user.activeChanged': ['viewer'],
  'user.passwordChanged': ['viewer'],
  'user.twoFactorChanged': ['viewer'],
  'user.languageChanged': ['viewer'],
  'business.twoFactorRuleChanged': ['viewer'],
} as const satisfies EventModules;

declare module '../cache/events.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges these names into DomainEvents
  interface DomainEvents extends EventNames<typeof AUTH_EVENTS> {}
}
