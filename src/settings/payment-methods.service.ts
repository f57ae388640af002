import { assertCan } from '../auth/index.ts';
import type { CacheService } from '../cache/index.ts';
import { ConflictError, NotFoundError, ValidationError, found, isUniqueViolation } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { PaymentMethodNameSchema } from './payment-methods.schema.ts';

export interface BusinessPaymentMethodRow {
  id: number;
  name: string;
  active: boolean;
}

/** Whatever client a write runs on: the scoped one, or its transaction. */
type Db = Pick<Scope['db'], 'businessPaymentMethod'>;

const select = { id: true, name: true, active: true } as const;
const order: Prisma.BusinessPaymentMethodOrderByWithRelationInput[] = [{ position: 'asc' }, { id: 'asc' }];
const DUPLICATE = 'A payment method with this name already exists';

/**
 * The business's own payment methods (Bizum, Pix, MB WAY), besides the built-in cash, card and
 * transfer: owners add, rename and deactivate them; the payment forms offer the active ones and
 * `usable` checks the one a form sent, inside the writing transaction.
 */
export class PaymentMethodsService {
  constructor(private readonly deps: { cache: CacheService }) {}

  /** Every method of the business, the deactivated ones too (the settings page). */
  async list(ctx: Scope): Promise<BusinessPaymentMethodRow[]> {
    assertCan(ctx, 'settings.manage', 'Only owners can change the payment methods.');
    return ctx.db.businessPaymentMethod.findMany({ select, orderBy: order });
  }

  async get(ctx: Scope, id: number): Promise<BusinessPaymentMethodRow> {
    return found(await ctx.db.businessPaymentMethod.findFirst({ where: { id }, select }), 'Payment method');
  }

  async create(ctx: Scope, input: unknown): Promise<BusinessPaymentMethodRow> {
    assertCan(ctx, 'settings.manage', 'Only owners can change the payment methods.');
    const { name } = parse(input);
    return unique(() =>
      inTransaction(ctx.db, async (uow) => {
        const last = await uow.tx.businessPaymentMethod.aggregate({ _max: { position: true } });
        const row = await uow.tx.businessPaymentMethod.create({
          data: { tenantId: ctx.tenantId, name, position: (last._max.position ?? 0) + 1 },
          select,
        });
        await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'paymentMethod.saved');
        return row;
      }),
    );
  }

  /** A new name: old payments by the method show it too. */
  async rename(ctx: Scope, id: number, input: unknown): Promise<BusinessPaymentMethodRow> {
    assertCan(ctx, 'settings.manage', 'Only owners can change the payment methods.');
    const { name } = parse(input);
    return unique(() => this.change(ctx, id, { name }));
  }

  /** Deactivated, a method is no longer offered; payments already made by it keep its name. */
  async setActive(ctx: Scope, id: number, active: boolean): Promise<BusinessPaymentMethodRow> {
    assertCan(ctx, 'settings.manage', 'Only owners can change the payment methods.');
    return this.change(ctx, id, { active });
  }

  private change(ctx: Scope, id: number, data: { name?: string; active?: boolean }): Promise<BusinessPaymentMethodRow> {
    return inTransaction(ctx.db, async (uow) => {
      const { count } = await uow.tx.businessPaymentMethod.updateMany({ where: { id }, data });
      if (count === 0) throw new NotFoundError('Payment method');
      await this.deps.cache.invalidateAfterCommit(uow, ctx.tenantId, 'paymentMethod.saved');
      return found(await uow.tx.businessPaymentMethod.findFirst({ where: { id }, select }), 'Payment method');
    });
  }
}

/** The business's own methods a payment form offers (the active ones). */
export function activePaymentMethods(ctx: Pick<Scope, 'db'>): Promise<BusinessPaymentMethodRow[]> {
  return ctx.db.businessPaymentMethod.findMany({ where: { active: true }, select, orderBy: order });
}

/**
 * Refuses a method id that is not one of this business's active methods (the scoped client
 * finds no other business's row), with the message on the form's `field`.
 */
export async function assertUsableMethod(db: Db, id: number, field: string): Promise<void> {
  const row = await db.businessPaymentMethod.findFirst({ where: { id }, select });
  if (!row) throw new ValidationError('Choose a payment method from the list', { [field]: 'Choose a payment method from the list' });
  if (!row.active) {
    const message = 'This payment method is no longer offered; choose another';
    throw new ValidationError(message, { [field]: message });
  }
}

function parse(input: unknown) {
  return parseInput(PaymentMethodNameSchema, input, 'Check the payment method’s name.');
}

async function unique<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(DUPLICATE, { name: DUPLICATE });
    throw error;
  }
}
