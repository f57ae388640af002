import { describeCacheBehaviour } from './cache-behaviour.suite.ts';

// REDIS_URL unset: the in-process store behind the same API.
describeCacheBehaviour({ name: 'memory', redis: undefined, cleanup: async () => {} });
