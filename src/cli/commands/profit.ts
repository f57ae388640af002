import type { Command } from '../command.ts';
import { requirePositiveInt } from '../command.ts';
import { requireTenant } from '../../db/scope.ts';
import { rebuildProfitSummary, verifyProfitSummary } from '../../profit/index.ts';

// profit:verify --tenant N [--repair]: the profit summary against a recomputation from the
// raw sales, sale lines and return lines; exits 1 and lists the rows that differ.

export const profitVerify: Command = {
  name: 'profit:verify',
  summary: "Check a tenant's profit summary against its sales, sale lines and returns",
  options: {
    tenant: { type: 'string', required: true, description: 'tenant id' },
    repair: { type: 'boolean', description: 'rewrite the summary from sales and returns when it differs' },
  },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const db = await ctx.database();
    await requireTenant(db.prisma, tenantId);
    const report = await verifyProfitSummary(db.prisma, tenantId);
    const counted = `${report.rows} summary rows, ${report.sales} sales, ${report.lines} sale lines`;
    if (report.ok) {
      ctx.out(`Profit summary of tenant ${tenantId} matches its sales and returns (${counted}).`);
      return;
    }
    ctx.out(`Profit summary of tenant ${tenantId} differs on ${report.differences.length} row(s) (${counted}):`);
    ctx.out(
      'slice           day         key       revenue (summary → expected)    cost (summary → expected)       quantity (summary → expected)',
    );
    for (const d of report.differences.slice(0, 200)) {
      const pair = (a: { toFixed(n: number): string }, e: { toFixed(n: number): string }, n: number) => `${a.toFixed(n)} → ${e.toFixed(n)}`;
      ctx.out(
        `${d.slice.padEnd(14)}  ${d.day}  ${String(d.key).padEnd(8)}  ${pair(d.actual.revenue, d.expected.revenue, 2).padEnd(30)}  ${pair(d.actual.cost, d.expected.cost, 2).padEnd(30)}  ${pair(d.actual.quantity, d.expected.quantity, 3)}`,
      );
    }
    if (report.differences.length > 200) ctx.out(`… and ${report.differences.length - 200} more`);
    if (v.repair) {
      const written = await rebuildProfitSummary(db.prisma, tenantId);
      const again = await verifyProfitSummary(db.prisma, tenantId);
      if (!again.ok)
        throw new Error(`Rewrote ${written} rows but ${again.differences.length} still differ (sales recorded meanwhile?); run it again`);
      const deps = await ctx.dependencies();
      await deps.cache.module('profit').invalidate(tenantId);
      ctx.out(`Rewrote ${written} summary rows from sales and returns; the profit cache of tenant ${tenantId} was cleared.`);
      return;
    }
    throw new Error(`${report.differences.length} profit summary row(s) differ; run with --repair to rewrite them`);
  },
};
