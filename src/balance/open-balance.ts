import { Prisma } from '../generated/prisma/client.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

interface BalanceDayReader {
  balanceDay: {
    aggregate(args: {
      where: { customerKey: number; day?: { lt?: Date; lte?: Date } };
      _sum: { salesTotal: true; paymentsTotal: true };
    }): PromiseLike<{ _sum: { salesTotal: Decimal | null; paymentsTotal: Decimal | null } }>;
  };
}

/**
 * What a customer owes (customerKey 0: the whole tenant), from the daily summary:
 * Σ sales − Σ payments, optionally only of days before `beforeDay` (an opening balance).
 */
export async function openBalance(db: BalanceDayReader, customerKey: number, beforeDay?: string): Promise<Decimal> {
  const where = beforeDay ? { customerKey, day: { lt: new Date(`${beforeDay}T00:00:00Z`) } } : { customerKey };
  const { _sum } = await db.balanceDay.aggregate({ where, _sum: { salesTotal: true, paymentsTotal: true } });
  return new Decimal(_sum.salesTotal ?? 0).minus(_sum.paymentsTotal ?? 0);
}
