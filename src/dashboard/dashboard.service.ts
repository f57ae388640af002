import { Prisma } from '../generated/prisma/client.ts';
import type { Scope } from '../db/scope.ts';
import { dayRange } from '../time.ts';

// The dashboard's own reads (the month's balance figures come from the balance service, for
// the roles that may see them).

export async function lowStockProducts({ db }: Scope, limit = 10) {
  const where = { active: true, quantityOnHand: { lte: db.product.fields.reorderLevel } };
  const [count, products] = await Promise.all([
    db.product.count({ where }),
    db.product.findMany({
      where,
      orderBy: [{ quantityOnHand: 'asc' }, { name: 'asc' }],
      take: limit,
      select: { id: true, sku: true, name: true, quantityOnHand: true, reorderLevel: true, unit: { select: { code: true } } },
    }),
  ]);
  return { count, products };
}

/** The last sales; with `byUserId`, only those that user recorded. */
export function recentSales({ db }: Scope, limit = 10, byUserId?: number) {
  return db.sale.findMany({
    where: byUserId === undefined ? {} : { createdById: byUserId },
    orderBy: [{ soldAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: {
      id: true,
      number: true,
      soldAt: true,
      status: true,
      total: true,
      paidTotal: true,
      customer: { select: { id: true, name: true } },
    },
  });
}

/** What a seller sees instead of the business's figures: their own confirmed sales of `today`. */
export async function ownSalesOfDay(
  { db, userId }: Scope,
  today: string,
  timeZone: string,
): Promise<{ count: number; total: Prisma.Decimal }> {
  const agg = await db.sale.aggregate({
    where: { createdById: userId, status: 'confirmed', soldAt: dayRange(timeZone, today, today) },
    _count: { _all: true },
    _sum: { total: true },
  });
  return { count: agg._count._all, total: agg._sum.total ?? new Prisma.Decimal(0) };
}
