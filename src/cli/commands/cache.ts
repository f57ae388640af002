import { setTimeout as sleep } from 'node:timers/promises';
import type { CliContext, Command } from '../command.ts';
import type { Dependencies } from '../../container.ts';
import { UsageError, requirePositiveInt } from '../command.ts';
import { cacheModules, isKnownModule, warmTenantCache } from '../../admin/index.ts';
import { ownerScope } from '../../db/scope.ts';

/** The cache trusts Redis only once it has reconciled (src/cache/reconciler.ts); a short-lived CLI waits for that. */
async function cacheReady(ctx: CliContext): Promise<Dependencies> {
  const deps = await ctx.dependencies();
  const deadline = Date.now() + ctx.config.cache.connectTimeoutMs;
  while (!deps.cache.isAvailable() && Date.now() < deadline) await sleep(50);
  if (!deps.cache.isAvailable()) ctx.out('Warning: Redis is not reachable; this command only affected the CLI process.');
  return deps;
}

function moduleOption(value: string | boolean | undefined): (typeof cacheModules)[number] | undefined {
  if (value === undefined) return undefined;
  if (!isKnownModule(value)) throw new UsageError(`--module must be one of ${cacheModules.join(', ')}`);
  return value;
}

const status: Command = {
  name: 'cache:status',
  summary: 'Health of the cache, Redis memory and per-module counters of this process',
  options: {},
  async run(ctx) {
    const deps = await cacheReady(ctx);
    const health = await deps.cache.health();
    ctx.out(`status: ${health.status}  store: ${health.store}  breaker: ${health.breaker}  latency: ${health.latencyMs ?? '-'} ms`);
    const info = await deps.cache.redisInfo();
    if (info)
      ctx.out(`redis: memory ${info.usedMemory ?? '?'}, evicted keys ${info.evictedKeys ?? '?'}, up ${info.uptimeSeconds ?? '?'} s`);
    else ctx.out('redis: not configured (REDIS_URL unset): this process has its own in-process store');
  },
};

const keys: Command = {
  name: 'cache:keys',
  summary: "Count a tenant's cached keys per module",
  options: {
    tenant: { type: 'string', required: true, description: 'tenant id' },
    module: { type: 'string', description: `one of ${cacheModules.join(', ')}` },
  },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const only = moduleOption(v.module);
    const deps = await cacheReady(ctx);
    if (!deps.redis) ctx.out('REDIS_URL is unset: the cache lives inside each app process; this count is of the CLI process only.');
    const counts = await deps.cache.keyCounts(tenantId);
    for (const m of only ? [only] : cacheModules) ctx.out(`${m.padEnd(11)} ${counts[m] ?? 0}`);
  },
};

const clear: Command = {
  name: 'cache:clear',
  summary: "Invalidate a tenant's cache, or one module of it",
  options: {
    tenant: { type: 'string', required: true, description: 'tenant id' },
    module: { type: 'string', description: `one of ${cacheModules.join(', ')} (default: all)` },
  },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const only = moduleOption(v.module);
    const deps = await cacheReady(ctx);
    if (only) await deps.cache.module(only).invalidate(tenantId);
    else await deps.cache.invalidateTenant(tenantId);
    ctx.out(`Cleared ${only ?? 'every module'} for tenant ${tenantId}`);
  },
};

const warm: Command = {
  name: 'cache:warm',
  summary: "Fill a tenant's hot keys (lookups, this month's balance)",
  options: { tenant: { type: 'string', required: true, description: 'tenant id' } },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const deps = await cacheReady(ctx);
    const warmed = await warmTenantCache(deps, await ownerScope(deps.db.prisma, tenantId, deps.scopeFor));
    ctx.out(`Warmed tenant ${tenantId}: ${warmed.join('; ')}`);
  },
};

export const cacheCommands: Command[] = [status, keys, clear, warm];
