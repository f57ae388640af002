import type { Command } from '../command.ts';
import { requirePositiveInt } from '../command.ts';
import { requireTenant } from '../../db/scope.ts';
import { rebuildBalanceSummary, verifyBalanceSummary } from '../../balance/index.ts';

// balance:verify --tenant N [--repair]: the daily balance summary against a recomputation
// from the raw sales (after returns), payments and refunds; exits 1 and lists the rows that differ.

export const balanceVerify: Command = {
  name: 'balance:verify',
  summary: "Check a tenant's balance summary against its sales, payments and refunds",
  options: {
    tenant: { type: 'string', required: true, description: 'tenant id' },
    repair: { type: 'boolean', description: 'rewrite the summary from sales, payments and refunds when it differs' },
  },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const db = await ctx.database();
    await requireTenant(db.prisma, tenantId);
    const report = await verifyBalanceSummary(db.prisma, tenantId);
    const counted = `${report.rows} summary rows, ${report.sales} sales, ${report.payments} payments`;
    if (report.ok) {
      ctx.out(`Balance summary of tenant ${tenantId} matches its sales and payments (${counted}).`);
      return;
    }
    ctx.out(`Balance summary of tenant ${tenantId} differs on ${report.differences.length} row(s) (${counted}):`);
    ctx.out('customer_key  day         sales (summary → expected)         payments (summary → expected)');
    for (const d of report.differences.slice(0, 200)) {
      ctx.out(
        `${String(d.customerKey).padEnd(12)}  ${d.day}  ${`${d.actual.sales.toFixed(2)} → ${d.expected.sales.toFixed(2)}`.padEnd(33)}  ${d.actual.payments.toFixed(2)} → ${d.expected.payments.toFixed(2)}`,
      );
    }
    if (report.differences.length > 200) ctx.out(`… and ${report.differences.length - 200} more`);
    if (v.repair) {
      const written = await rebuildBalanceSummary(db.prisma, tenantId);
      const again = await verifyBalanceSummary(db.prisma, tenantId);
      if (!again.ok)
        throw new Error(`Rewrote ${written} rows but ${again.differences.length} still differ (sales recorded meanwhile?); run it again`);
      const deps = await ctx.dependencies();
      await deps.cache.module('balance').invalidate(tenantId);
      ctx.out(`Rewrote ${written} summary rows from sales and payments; the balance cache of tenant ${tenantId} was cleared.`);
      return;
    }
    throw new Error(`${report.differences.length} balance summary row(s) differ; run with --repair to rewrite them`);
  },
};
