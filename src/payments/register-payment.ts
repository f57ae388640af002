import { Prisma } from '../generated/prisma/client.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { addToBalanceDays, balanceRows } from '../balance/index.ts';
import { localDay, zonedInstant } from '../time.ts';
import { saleMoney } from '../sales/index.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { ValidationError } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { messageFormatter } from '../format/index.ts';
import { PaymentSchema, type PaymentInput } from './payments.schema.ts';
import { say } from '../i18n/index.ts';
import { assertUsableMethod } from '../settings/index.ts';

const Decimal = Prisma.Decimal;

/**
 * Registers a payment in one transaction. Tied to a sale, it can never exceed the sale's
 * open amount (its worth after returns, less what was paid and not refunded): one
 * conditional update of sales.paid_total decides, so concurrent payments cannot together
 * pay more than is open. A cancelled sale cannot be paid.
 */
export async function registerPayment(deps: TransactionDeps, actor: Scope, raw: unknown): Promise<Created> {
  const input = parseInput(PaymentSchema, raw, 'Please correct the marked fields.');
  return createOnce(deps, actor, input.token, async (uow) => {
    const { tx } = uow;
    const { tenantId } = actor;
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true, currency: true } });
    const now = new Date();
    const today = localDay(now, tenant.timeZone);
    const day = input.day ?? today;
    if (day > today) throw new ValidationError('Please correct the marked fields.', { day: 'The date cannot be in the future' });
    // Today's payment keeps its real time; a back-dated one is put at noon of its day.
    const paidAt = day === today ? now : zonedInstant(day, tenant.timeZone, 12 * 60);
    const amount = new Decimal(input.amount);
    if (input.method.customMethodId) await assertUsableMethod(tx, input.method.customMethodId, 'method');

    let customerId: number | null;
    let saleId: number | null = null;
    if (input.saleId !== undefined || input.saleNumber !== undefined) {
      const sale = await paySale(tx, tenantId, input, amount, tenant.currency);
      saleId = sale.id;
      customerId = sale.customerId;
    } else if (input.customerId !== undefined) {
      const customer = await tx.customer.findFirst({ where: { id: input.customerId }, select: { id: true } });
      if (!customer)
        throw new ValidationError('Please correct the marked fields.', { customerId: 'Unknown customer; choose one from the list' });
      customerId = customer.id;
    } else {
      throw new ValidationError('Please correct the marked fields.', { customerId: 'Choose the customer who paid, or the sale this pays' });
    }

    const payment = await tx.payment.create({
      data: {
        tenantId,
        amount,
        method: input.method.kind,
        customMethodId: input.method.customMethodId,
        paidAt,
        customerId,
        saleId,
        reference: input.reference ?? null,
        note: input.note ?? null,
        createdById: actor.userId,
        createdAt: now,
      },
      select: { id: true },
    });
    await addToBalanceDays(tx, tenantId, balanceRows(customerId, localDay(paidAt, tenant.timeZone), 0, amount));
    await deps.cache.invalidateAfterCommit(uow, tenantId, 'payment.registered');
    return { id: payment.id, url: `/payments/${payment.id}` };
  });
}

/** Adds the amount to the sale's paid total if it fits in the open amount; else refuses with the figures. */
async function paySale(
  tx: TenantTransaction,
  tenantId: number,
  input: PaymentInput,
  amount: Prisma.Decimal,
  currency: string,
): Promise<{ id: number; customerId: number | null }> {
  const field = input.saleId !== undefined ? 'saleId' : 'saleNumber';
  const sale = await tx.sale.findFirst({
    where: input.saleId !== undefined ? { id: input.saleId } : { number: input.saleNumber! },
    select: { id: true, number: true, customerId: true, customer: { select: { name: true } } },
  });
  if (!sale) throw new ValidationError('Please correct the marked fields.', { [field]: 'No such sale' });
  if (input.customerId !== undefined && input.customerId !== sale.customerId) {
    throw new ValidationError('Please correct the marked fields.', {
      customerId: sale.customer
        ? say('Sale #{{number}} belongs to {{name}}; leave the customer blank or choose theirs', {
            number: sale.number,
            name: sale.customer.name,
          })
        : say('Sale #{{number}} has no customer; leave the customer blank or choose theirs', { number: sale.number }),
    });
  }
  const a = amount.toFixed(2);
  const updated = await tx.$queryRaw<unknown[]>(Prisma.sql`
    UPDATE sales SET paid_total = paid_total + ${a}::numeric
     WHERE tenant_id = ${tenantId} AND id = ${sale.id} AND status = 'confirmed' AND paid_total - refunded_total + ${a}::numeric <= total - returned_total
     RETURNING id`);
  if (updated.length === 1) return { id: sale.id, customerId: sale.customerId };
  // Refused: read the sale as it is now (this statement sees what others committed).
  const now = await tx.sale.findFirstOrThrow({
    where: { id: sale.id },
    select: { status: true, total: true, returnedTotal: true, paidTotal: true, refundedTotal: true },
  });
  if (now.status === 'cancelled')
    throw new ValidationError('Please correct the marked fields.', {
      [field]: say('Sale #{{number}} was cancelled; it cannot be paid', { number: sale.number }),
    });
  const { open } = saleMoney(now);
  const message = open.lessThanOrEqualTo(0)
    ? say('Sale #{{number}} is already paid in full', { number: sale.number })
    : say('The open amount of sale #{{number}} is {{amount}}; a payment cannot be more than that', {
        number: sale.number,
        amount: messageFormatter(currency).money(open),
      });
  throw new ValidationError('Please correct the marked fields.', { amount: message });
}
