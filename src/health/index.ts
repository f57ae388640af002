export { cacheHealthRoute, healthRouter, type HealthDeps } from './health.router.ts';
