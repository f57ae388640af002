import { Prisma } from '../generated/prisma/client.ts';
import { addDays, zonedInstant } from '../time.ts';
import { assertCan } from '../auth/index.ts';
import type { CustomerFilter, Decimal } from './balance.types.ts';
import { reportDbOf, type Scope } from '../db/scope.ts';

// The sales and payments that make up one bucket, read from the raw rows by the same rule
// the summary keeps (confirmed sales by sold_at at what they are worth after returns,
// payments by paid_at less refunds by refunded_at, local days), so the sums here equal the
// bucket's totals. Lists are capped; the sums always cover everything. A refund is listed
// among the payments as a negative amount.

export interface DetailRange {
  from: string;
  to: string;
  customer: CustomerFilter;
}

export interface BucketDetail {
  sales: Array<{ id: number; number: number; soldAt: Date; customer: string | null; total: Decimal }>;
  payments: Array<{
    id: number;
    paidAt: Date;
    method: string;
    /** The business's own method (Bizum, Pix), shown by its name. */
    customMethod: { name: string } | null;
    refund: boolean;
    customer: string | null;
    saleNumber: number | null;
    amount: Decimal;
  }>;
  salesCount: number;
  paymentsCount: number;
  salesTotal: Decimal;
  paymentsTotal: Decimal;
}

export const DETAIL_LIST_LIMIT = 500;

export async function bucketDetail(scope: Scope, range: DetailRange, timeZone: string, limit = DETAIL_LIST_LIMIT): Promise<BucketDetail> {
  assertCan(scope, 'balance.see', "Only managers and owners can see the business's balance.");
  const between = { gte: zonedInstant(range.from, timeZone), lt: zonedInstant(addDays(range.to, 1), timeZone) };
  const who = range.customer === 'all' ? {} : { customerId: range.customer };
  const saleWhere = { ...who, status: 'confirmed' as const, soldAt: between };
  const paymentWhere = { ...who, paidAt: between };
  const refundWhere = { ...who, refundedAt: between };
  // Uncached and tolerant of a little lag: a read replica may serve it (src/db/report-reads.ts).
  const db = await reportDbOf(scope);
  const [sales, salesAgg, payments, paymentsAgg, refunds, refundsAgg] = await Promise.all([
    db.sale.findMany({
      where: saleWhere,
      orderBy: [{ soldAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, number: true, soldAt: true, total: true, returnedTotal: true, customer: { select: { name: true } } },
    }),
    db.sale.aggregate({ where: saleWhere, _sum: { total: true, returnedTotal: true }, _count: { _all: true } }),
    db.payment.findMany({
      where: paymentWhere,
      orderBy: [{ paidAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: {
        id: true,
        paidAt: true,
        method: true,
        customMethod: { select: { name: true } },
        amount: true,
        customer: { select: { name: true } },
        sale: { select: { number: true } },
      },
    }),
    db.payment.aggregate({ where: paymentWhere, _sum: { amount: true }, _count: { _all: true } }),
    db.refund.findMany({
      where: refundWhere,
      orderBy: [{ refundedAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: {
        id: true,
        refundedAt: true,
        method: true,
        amount: true,
        customer: { select: { name: true } },
        sale: { select: { number: true } },
      },
    }),
    db.refund.aggregate({ where: refundWhere, _sum: { amount: true }, _count: { _all: true } }),
  ]);
  const moneyIn = payments.map((p) => ({
    id: p.id,
    paidAt: p.paidAt,
    method: p.method,
    customMethod: p.customMethod,
    refund: false,
    customer: p.customer?.name ?? null,
    saleNumber: p.sale?.number ?? null,
    amount: p.amount,
  }));
  const moneyOut = refunds.map((r) => ({
    id: r.id,
    paidAt: r.refundedAt,
    method: r.method,
    customMethod: null,
    refund: true,
    customer: r.customer?.name ?? null,
    saleNumber: r.sale.number,
    amount: r.amount.neg(),
  }));
  return {
    sales: sales.map((s) => ({
      id: s.id,
      number: s.number,
      soldAt: s.soldAt,
      customer: s.customer?.name ?? null,
      total: s.total.minus(s.returnedTotal),
    })),
    payments: [...moneyIn, ...moneyOut].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime()).slice(0, limit),
    salesCount: salesAgg._count._all,
    paymentsCount: paymentsAgg._count._all + refundsAgg._count._all,
    salesTotal: new Prisma.Decimal(salesAgg._sum.total ?? 0).minus(salesAgg._sum.returnedTotal ?? 0),
    paymentsTotal: new Prisma.Decimal(paymentsAgg._sum.amount ?? 0).minus(refundsAgg._sum.amount ?? 0),
  };
}
