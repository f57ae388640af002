import { Prisma } from '../generated/prisma/client.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import type { Scope } from '../db/scope.ts';
import { CustomerSchema, NewCustomerSchema } from './customers.schema.ts';
import { openBalance } from '../balance/index.ts';

const Decimal = Prisma.Decimal;

export const CUSTOMERS_PAGE_SIZE = 25;

function toData(input: ReturnType<typeof CustomerSchema.parse>) {
  return {
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    address: input.address ?? null,
    taxId: input.taxId ?? null,
    creditLimit: input.creditLimit === undefined ? null : new Decimal(input.creditLimit),
    notes: input.notes ?? null,
  };
}

/** Owing at least the credit limit: a sale on account would be refused. */
export function limitReached(open: Prisma.Decimal, creditLimit: Prisma.Decimal | null): boolean {
  return creditLimit !== null && open.greaterThanOrEqualTo(creditLimit);
}

export class CustomersService {
  constructor(private readonly deps: TransactionDeps) {}

  /** Search by name, email, phone or tax id; with each customer's open balance. */
  async list({ db }: Scope, opts: { q?: string; page?: number }) {
    const q = opts.q?.trim();
    const where: Prisma.CustomerWhereInput = q
      ? { OR: ['name', 'email', 'phone', 'taxId'].map((f) => ({ [f]: { contains: q, mode: 'insensitive' } })) }
      : {};
    const page = Math.max(1, opts.page ?? 1);
    const [total, rows] = await Promise.all([
      db.customer.count({ where }),
      db.customer.findMany({
        where,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        skip: (page - 1) * CUSTOMERS_PAGE_SIZE,
        take: CUSTOMERS_PAGE_SIZE,
      }),
    ]);
    const sums = rows.length
      ? await db.balanceDay.groupBy({
          by: ['customerKey'],
          where: { customerKey: { in: rows.map((r) => r.id) } },
          _sum: { salesTotal: true, paymentsTotal: true },
        })
      : [];
    const balance = new Map(sums.map((s) => [s.customerKey, new Decimal(s._sum.salesTotal ?? 0).minus(s._sum.paymentsTotal ?? 0)]));
    return {
      total,
      page,
      pages: Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE)),
      customers: rows.map((c) => {
        const open = balance.get(c.id) ?? new Decimal(0);
        return { ...c, openBalance: open, limitReached: limitReached(open, c.creditLimit) };
      }),
    };
  }

  /**
   * For the sale form's picker: every customer (bounded) with what tells two of the same
   * name apart (email, else phone) and whether their credit limit is reached already.
   */
  async pickerOptions({ db }: Scope) {
    const rows = await db.customer.findMany({
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, email: true, phone: true, creditLimit: true },
      take: 2000,
    });
    const limited = rows.filter((r) => r.creditLimit !== null).map((r) => r.id);
    const sums = limited.length
      ? await db.balanceDay.groupBy({
          by: ['customerKey'],
          where: { customerKey: { in: limited } },
          _sum: { salesTotal: true, paymentsTotal: true },
        })
      : [];
    const balance = new Map(sums.map((s) => [s.customerKey, new Decimal(s._sum.salesTotal ?? 0).minus(s._sum.paymentsTotal ?? 0)]));
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      contact: c.email ?? c.phone ?? '',
      limitReached: limitReached(balance.get(c.id) ?? new Decimal(0), c.creditLimit),
    }));
  }

  /** For pickers: every customer's id and name (bounded). */
  options({ db }: Scope) {
    return db.customer.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true }, take: 2000 });
  }

  async get({ db }: Scope, id: number) {
    return found(await db.customer.findFirst({ where: { id } }), 'Customer');
  }

  async openBalance({ db }: Scope, id: number) {
    return openBalance(db, id);
  }

  async create(actor: Scope, raw: unknown): Promise<Created> {
    const input = parseInput(NewCustomerSchema, raw, 'Please correct the marked fields.');
    return createOnce(this.deps, actor, input.token, async ({ tx }) => {
      const customer = await tx.customer.create({ data: { tenantId: actor.tenantId, ...toData(input) }, select: { id: true } });
      return { id: customer.id, url: `/customers/${customer.id}` };
    });
  }

  async update({ db }: Scope, id: number, raw: unknown): Promise<void> {
    const input = parseInput(CustomerSchema, raw, 'Please correct the marked fields.');
    const { count } = await db.customer.updateMany({ where: { id }, data: toData(input) });
    if (count !== 1) found(null, 'Customer');
  }
}
