import type { Prisma } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import { found } from '../db/errors.ts';
import { dayRange } from '../time.ts';
import { saleMoney } from '../sales/index.ts';
import type { PaymentMethod } from '../generated/prisma/enums.ts';

export const PAYMENTS_PAGE_SIZE = 25;

export interface PaymentFilters {
  from?: string;
  to?: string;
  customerId?: number;
  method?: PaymentMethod;
  page?: number;
}

export async function listPayments(db: TenantDb, timeZone: string, f: PaymentFilters) {
  const range = dayRange(timeZone, f.from, f.to);
  const where: Prisma.PaymentWhereInput = {
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.method ? { method: f.method } : {}),
    ...(range ? { paidAt: range } : {}),
  };
  const page = Math.max(1, f.page ?? 1);
  const [total, sum, payments] = await Promise.all([
    db.payment.count({ where }),
    db.payment.aggregate({ where, _sum: { amount: true } }),
    db.payment.findMany({
      where,
      orderBy: [{ paidAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * PAYMENTS_PAGE_SIZE,
      take: PAYMENTS_PAGE_SIZE,
      select: {
        id: true,
        amount: true,
        method: true,
        customMethod: { select: { name: true } },
        paidAt: true,
        reference: true,
        customer: { select: { id: true, name: true } },
        sale: { select: { id: true, number: true } },
      },
    }),
  ]);
  return { total, page, pages: Math.max(1, Math.ceil(total / PAYMENTS_PAGE_SIZE)), sum: sum._sum.amount, payments };
}

export async function paymentDetail(db: TenantDb, id: number) {
  const payment = found(
    await db.payment.findFirst({
      where: { id },
      include: {
        customMethod: { select: { name: true } },
        customer: { select: { id: true, name: true } },
        sale: { select: { id: true, number: true, total: true, returnedTotal: true, paidTotal: true, refundedTotal: true, status: true } },
        createdBy: { select: { email: true } },
      },
    }),
    'Payment',
  );
  // The sale's open amount after its returns and refunds.
  return { ...payment, sale: payment.sale ? { ...payment.sale, open: saleMoney(payment.sale).open } : null };
}
