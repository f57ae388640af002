import { Prisma } from '../generated/prisma/client.ts';
import { assertCan, can } from '../auth/index.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { TillCloseSchema } from './till.schema.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// Closing the till, per user: each user's drawer holds the cash payments they took (sales
// paid now in cash, payments registered in cash) less the cash refunds they gave. A close
// claims those rows (payments/refunds.till_close_id from null to the close) in its own
// transaction, so what it counted is exactly what it claimed: a row committed a moment
// later belongs to the next close, and two closes at once can never count one payment twice.

export const TILL_CLOSES_PAGE_SIZE = 25;

export interface TillOpen {
  since: Date | null;
  cashIn: Decimal;
  cashOut: Decimal;
  expected: Decimal;
  payments: number;
  refunds: number;
}

export class TillService {
  constructor(private readonly deps: TransactionDeps) {}

  /** The user's open drawer: cash not yet claimed by a close, and when they last closed. */
  async open(actor: Scope): Promise<TillOpen> {
    assertCan(actor, 'till.close');
    const mine = { createdById: actor.userId, method: 'cash' as const, tillCloseId: null };
    const [last, paid, refunded] = await Promise.all([
      actor.db.tillClose.findFirst({
        where: { userId: actor.userId },
        orderBy: [{ closedAt: 'desc' }, { id: 'desc' }],
        select: { closedAt: true },
      }),
      actor.db.payment.aggregate({ where: mine, _sum: { amount: true }, _count: { _all: true } }),
      actor.db.refund.aggregate({ where: mine, _sum: { amount: true }, _count: { _all: true } }),
    ]);
    const cashIn = new Decimal(paid._sum.amount ?? 0);
    const cashOut = new Decimal(refunded._sum.amount ?? 0);
    return {
      since: last?.closedAt ?? null,
      cashIn,
      cashOut,
      expected: cashIn.minus(cashOut),
      payments: paid._count._all,
      refunds: refunded._count._all,
    };
  }

  /** Records the count: expected (what the claimed rows add up to), counted, and the difference. */
  async close(actor: Scope, raw: unknown): Promise<Created> {
    assertCan(actor, 'till.close');
    const input = parseInput(TillCloseSchema, raw, 'Please correct the marked fields.');
    return createOnce(this.deps, actor, input.token, async ({ tx }) => {
      const { tenantId, userId } = actor;
      // One close of a user at a time (the claims below would be right anyway; this keeps "since the last close" in order).
      await tx.$queryRaw(Prisma.sql`SELECT id FROM users WHERE tenant_id = ${tenantId} AND id = ${userId} FOR UPDATE`);
      const counted = new Decimal(input.counted);
      const close = await tx.tillClose.create({
        data: {
          tenantId,
          userId,
          closedAt: new Date(),
          cashIn: 0,
          cashOut: 0,
          expected: 0,
          counted,
          difference: 0,
          note: input.note ?? null,
        },
        select: { id: true },
      });
      const claim = (table: 'payments' | 'refunds') =>
        tx.$queryRaw<Array<{ n: number; sum: string }>>(Prisma.sql`
          WITH claimed AS (
            UPDATE ${Prisma.raw(table)} SET till_close_id = ${close.id}
             WHERE tenant_id = ${tenantId} AND created_by_id = ${userId} AND method = 'cash' AND till_close_id IS NULL
             RETURNING amount)
          SELECT count(*)::int AS n, COALESCE(SUM(amount), 0)::text AS sum FROM claimed`);
      const [[p], [r]] = [await claim('payments'), await claim('refunds')];
      const cashIn = new Decimal(p?.sum ?? 0);
      const cashOut = new Decimal(r?.sum ?? 0);
      const expected = cashIn.minus(cashOut);
      await tx.tillClose.update({
        where: { id: close.id },
        data: { cashIn, cashOut, expected, difference: counted.minus(expected), paymentCount: p?.n ?? 0, refundCount: r?.n ?? 0 },
      });
      return { id: close.id, url: `/till/closes/${close.id}` };
    });
  }

  /** Closes, newest first: the user's own, or everyone's for those who may see them. */
  async history(actor: Scope, page = 1) {
    assertCan(actor, 'till.close');
    const where = can(actor, 'till.seeAll') ? {} : { userId: actor.userId };
    const p = Math.max(1, page);
    const [total, closes] = await Promise.all([
      actor.db.tillClose.count({ where }),
      actor.db.tillClose.findMany({
        where,
        orderBy: [{ closedAt: 'desc' }, { id: 'desc' }],
        skip: (p - 1) * TILL_CLOSES_PAGE_SIZE,
        take: TILL_CLOSES_PAGE_SIZE,
        select: {
          id: true,
          closedAt: true,
          expected: true,
          counted: true,
          difference: true,
          user: { select: { id: true, email: true, name: true } },
        },
      }),
    ]);
    return {
      total,
      page: p,
      pages: Math.max(1, Math.ceil(total / TILL_CLOSES_PAGE_SIZE)),
      closes,
      everyone: can(actor, 'till.seeAll'),
    };
  }

  /** One close; another user's is not found unless the actor may see everyone's. */
  async detail(actor: Scope, id: number) {
    assertCan(actor, 'till.close');
    const where = can(actor, 'till.seeAll') ? { id } : { id, userId: actor.userId };
    return found(await actor.db.tillClose.findFirst({ where, include: { user: { select: { email: true, name: true } } } }), 'Till close');
  }
}
