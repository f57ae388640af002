import { Prisma, type PaymentMethod } from '../generated/prisma/client.ts';
import { assertCan } from '../auth/index.ts';
import type { TransactionDeps } from '../core.ts';
import { ValidationError, found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import { dayRange, localDay, zonedInstant } from '../time.ts';
import { SupplierPaymentSchema } from './supplier-payments.schema.ts';
import { assertUsableMethod } from '../settings/index.ts';

const PAY_REFUSED = 'Only managers and owners can pay suppliers.';
const INVALID = 'Please correct the marked fields.';
export const PAYMENTS_PAGE_SIZE = 25;
export const MORE_THAN_OWED = 'A payment cannot be more than what is owed to this supplier.';
export const NOTHING_OWED = 'Nothing is owed to this supplier.';

export interface SupplierPaymentFilters {
  supplierId?: number;
  method?: PaymentMethod;
  from?: string;
  to?: string;
  page?: number;
}

/**
 * Payments to suppliers, partial or whole, never more than is owed at that moment: one
 * conditional update of suppliers.owed in the payment's transaction decides, so payments made
 * at the same time cannot together pay more than is owed (the row lock makes them take turns,
 * each seeing what the one before left).
 */
export class SupplierPaymentsService {
  constructor(private readonly deps: TransactionDeps) {}

  async register(actor: Scope, input: unknown): Promise<Created> {
    assertCan(actor, 'purchase.pay', PAY_REFUSED);
    const data = parseInput(SupplierPaymentSchema, input, INVALID);
    return createOnce(this.deps, actor, data.token, async ({ tx }) => {
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { timeZone: true } });
      const now = new Date();
      const today = localDay(now, tenant.timeZone);
      const day = data.day ?? today;
      if (day > today) throw new ValidationError(INVALID, { day: 'The date cannot be in the future' });
      // Today's payment keeps its real time; a back-dated one is put at noon of its day.
      const paidAt = day === today ? now : zonedInstant(day, tenant.timeZone, 12 * 60);
      const amount = new Prisma.Decimal(data.amount).toFixed(2);
      if (data.method.customMethodId) await assertUsableMethod(tx, data.method.customMethodId, 'method');
      const paid = await tx.$queryRaw<unknown[]>(Prisma.sql`
        UPDATE suppliers SET owed = owed - ${amount}::numeric, updated_at = now()
         WHERE tenant_id = ${actor.tenantId} AND id = ${data.supplierId} AND owed >= ${amount}::numeric
        RETURNING id`);
      if (paid.length !== 1) {
        const supplier = await tx.supplier.findFirst({ where: { id: data.supplierId }, select: { owed: true } });
        if (!supplier) throw new ValidationError(INVALID, { supplierId: 'Unknown supplier; choose one from the list' });
        throw new ValidationError(INVALID, { amount: supplier.owed.isZero() ? NOTHING_OWED : MORE_THAN_OWED });
      }
      const { id } = await tx.supplierPayment.create({
        data: {
          tenantId: actor.tenantId,
          supplierId: data.supplierId,
          amount,
          method: data.method.kind,
          customMethodId: data.method.customMethodId,
          paidAt,
          reference: data.reference ?? null,
          note: data.note ?? null,
          createdById: actor.userId,
          createdAt: now,
        },
        select: { id: true },
      });
      return { id, url: `/purchasing/payments/${id}` };
    });
  }

  async list(actor: Scope, timeZone: string, f: SupplierPaymentFilters) {
    assertCan(actor, 'purchase.pay', PAY_REFUSED);
    const range = dayRange(timeZone, f.from, f.to);
    const where: Prisma.SupplierPaymentWhereInput = {
      ...(f.supplierId ? { supplierId: f.supplierId } : {}),
      ...(f.method ? { method: f.method } : {}),
      ...(range ? { paidAt: range } : {}),
    };
    const total = await actor.db.supplierPayment.count({ where });
    const pages = Math.max(1, Math.ceil(total / PAYMENTS_PAGE_SIZE));
    const page = Math.min(Math.max(1, f.page ?? 1), pages);
    const [sum, payments] = await Promise.all([
      actor.db.supplierPayment.aggregate({ where, _sum: { amount: true } }),
      actor.db.supplierPayment.findMany({
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
          supplier: { select: { id: true, name: true } },
        },
      }),
    ]);
    return { total, page, pages, sum: sum._sum.amount ?? new Prisma.Decimal(0), payments };
  }

  async detail(actor: Scope, id: number) {
    assertCan(actor, 'purchase.pay', PAY_REFUSED);
    return found(
      await actor.db.supplierPayment.findFirst({
        where: { id },
        include: {
          customMethod: { select: { name: true } },
          supplier: { select: { id: true, name: true, owed: true } },
          createdBy: { select: { name: true, email: true } },
        },
      }),
      'Payment',
    );
  }
}
