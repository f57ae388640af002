import { Prisma } from '../generated/prisma/client.ts';
import { createOnce, type Created } from '../db/transactions.ts';
import type { TransactionDeps } from '../core.ts';
import { found } from '../db/errors.ts';
import { parseInput } from '../db/input.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import type { Scope } from '../db/scope.ts';
import { keyOf, type MemoizeResult, type ModuleCache } from '../cache/index.ts';
import { CustomerSchema, NewCustomerSchema } from './customers.schema.ts';
import { openBalance } from '../balance/index.ts';
import { customerStatement, type Statement } from './statement.ts';

const Decimal = Prisma.Decimal;

export const CUSTOMERS_PAGE_SIZE = 25;
/** Customers a picker lists at once; the others are found by typing. */
export const PICKER_SIZE = 50;

export interface CustomerChoice {
  id: number;
  name: string;
  /** Email, else phone, else blank. */
  contact: string;
  /** Another customer of the business has this name. */
  sameName: boolean;
  limitReached: boolean;
}

export interface CustomerPicker {
  choices: CustomerChoice[];
  /** Customers matching the search (all of them when it is blank). */
  matching: number;
  /** Of those, how many are not among the choices. */
  more: number;
}

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

// The list, the pickers, each customer's record and statement are cached in the `customers`
// module (CACHE_CUSTOMERS_TTL), keyed by what each read is asked, and invalidated after
// commit by the events that change them: a customer created or edited, a sale, return,
// cancellation or payment (open balances, limits, statements) and the business settings
// (cache-events.ts of customers, sales, payments and settings).

export class CustomersService {
  private readonly cache: ModuleCache<'customers'>;

  constructor(private readonly deps: TransactionDeps) {
    this.cache = deps.cache.module('customers');
  }

  /** Search by name, email, phone or tax id; with each customer's open balance. */
  list(scope: Scope, opts: { q?: string; page?: number }): Promise<MemoizeResult<Awaited<ReturnType<typeof listCustomers>>>> {
    const q = opts.q?.trim() ?? '';
    const page = Math.max(1, opts.page ?? 1);
    return this.memo(scope, keyOf('list', page, q), () => listCustomers(scope, q, page));
  }

  /**
   * For a customer picker (the sale and payment forms, the sales and payments filters): the
   * customers matching `q` (name, email or phone; every one when blank) by name, at most
   * PICKER_SIZE, after the one already chosen when it is not among them; with how many match
   * in all. Each says what tells two of the same name apart (email, else phone, else that
   * another customer has that name) and whether their credit limit is reached already.
   */
  picker(scope: Scope, opts: { q?: string; selected?: number } = {}): Promise<MemoizeResult<CustomerPicker>> {
    const q = opts.q?.trim() ?? '';
    return this.memo(scope, keyOf('picker', opts.selected ?? '', q), () => readPicker(scope, q, opts.selected));
  }

  /** The customer's record; NotFoundError when the business has no such customer. */
  async get(scope: Scope, id: number) {
    const read = await this.memo(scope, keyOf('customer', id), () => scope.db.customer.findFirst({ where: { id } }));
    return { value: found(read.value, 'Customer'), status: read.status };
  }

  /** What the customer owes now (negative: in credit). */
  openBalance(scope: Scope, id: number): Promise<MemoizeResult<Prisma.Decimal>> {
    return this.memo(scope, keyOf('open', id), () => openBalance(scope.db, id));
  }

  /** The statement over local days [from, to] (statement.ts). */
  statement(scope: Scope, timeZone: string, id: number, from: string, to: string): Promise<MemoizeResult<Statement>> {
    return this.memo(scope, keyOf('statement', id, timeZone, from, to), () => customerStatement(scope, timeZone, id, from, to));
  }

  async create(actor: Scope, raw: unknown): Promise<Created> {
    const input = parseInput(NewCustomerSchema, raw, 'Please correct the marked fields.');
    return createOnce(this.deps, actor, input.token, async (uow) => {
      const customer = await uow.tx.customer.create({ data: { tenantId: actor.tenantId, ...toData(input) }, select: { id: true } });
      await this.deps.cache.invalidateAfterCommit(uow, actor.tenantId, 'customer.created');
      return { id: customer.id, url: `/customers/${customer.id}` };
    });
  }

  async update({ db, tenantId }: Scope, id: number, raw: unknown): Promise<void> {
    const input = parseInput(CustomerSchema, raw, 'Please correct the marked fields.');
    await inTransaction(db, async (uow) => {
      const { count } = await uow.tx.customer.updateMany({ where: { id }, data: toData(input) });
      if (count !== 1) found(null, 'Customer');
      await this.deps.cache.invalidateAfterCommit(uow, tenantId, 'customer.updated');
    });
  }

  private memo<T>(scope: Scope, key: string, load: () => Promise<T>): Promise<MemoizeResult<T>> {
    return this.cache.memoize(scope.tenantId, key, load);
  }
}

async function listCustomers({ db }: Scope, q: string, page: number) {
  const where: Prisma.CustomerWhereInput = q
    ? { OR: ['name', 'email', 'phone', 'taxId'].map((f) => ({ [f]: { contains: q, mode: 'insensitive' } })) }
    : {};
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

async function readPicker({ db }: Scope, q: string, selected: number | undefined): Promise<CustomerPicker> {
  const where: Prisma.CustomerWhereInput = q
    ? { OR: (['name', 'email', 'phone'] as const).map((f) => ({ [f]: { contains: q, mode: 'insensitive' } })) }
    : {};
  const select = { id: true, name: true, email: true, phone: true, creditLimit: true } as const;
  const [matching, rows] = await Promise.all([
    db.customer.count({ where }),
    db.customer.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], select, take: PICKER_SIZE }),
  ]);
  let listed = rows.length;
  if (selected !== undefined && !rows.some((r) => r.id === selected)) {
    const chosen = await db.customer.findFirst({ where: { id: selected }, select });
    // First: it is what the form shows as chosen. Without a search it is one of those matching.
    if (chosen) rows.unshift(chosen);
    if (chosen && !q) listed++;
  }
  const limited = rows.filter((r) => r.creditLimit !== null).map((r) => r.id);
  const [sums, names] = await Promise.all([
    limited.length
      ? db.balanceDay.groupBy({
          by: ['customerKey'],
          where: { customerKey: { in: limited } },
          _sum: { salesTotal: true, paymentsTotal: true },
        })
      : [],
    rows.length
      ? db.customer.groupBy({ by: ['name'], where: { name: { in: [...new Set(rows.map((r) => r.name))] } }, _count: { _all: true } })
      : [],
  ]);
  const balance = new Map(sums.map((s) => [s.customerKey, new Decimal(s._sum.salesTotal ?? 0).minus(s._sum.paymentsTotal ?? 0)]));
  const shared = new Set(names.filter((n) => n._count._all > 1).map((n) => n.name));
  const choices = rows.map((c) => ({
    id: c.id,
    name: c.name,
    contact: c.email ?? c.phone ?? '',
    sameName: shared.has(c.name),
    limitReached: limitReached(balance.get(c.id) ?? new Decimal(0), c.creditLimit),
  }));
  return { choices, matching, more: matching - listed };
}
