import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import type { Scope } from '../../src/db/scope.ts';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import type { TestClient } from '../helpers/http-client.ts';

// The sales, payments and customers lists, a customer's page and statement are built from
// cached reads (modules sales-list, payments-list, customers): a warm view is a HIT that asks
// PostgreSQL nothing (every Prisma operation is counted), answers 304 to its own ETag while
// nothing changed, and after each kind of commit that changes what it shows the next view is
// a MISS with the new content and a new ETag.

/**
 * Database operations by model, as the app's pages make them (a Prisma query extension). What
 * the test itself runs (its commits, and what those start in the background: the balance
 * warm-up, the outbox's drain 2 s later) carries the test's async context and is not counted;
 * a page is handled in the server's own context.
 */
class QueryCounter {
  readonly seen: string[] = [];
  private readonly test = new AsyncLocalStorage<true>();
  wrap(prisma: PrismaClient): PrismaClient {
    const { seen, test } = this;
    return prisma.$extends({
      query: {
        $allOperations({ model, operation, args, query }) {
          if (!test.getStore()) seen.push(`${model ?? '$raw'}.${operation}`);
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
  }
  /** Runs the test's own work (commits, set-up) so that it is not counted. */
  own<T>(work: () => Promise<T>): Promise<T> {
    return this.test.run(true, work);
  }
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const from = this.seen.length;
    await work();
    // The outbox's slow poll (once a minute, on a timer of its own) is no page's.
    return this.seen.slice(from).filter((q) => !q.startsWith('CacheInvalidation.'));
  }
}

/** A page's check after a commit; `reloaded`: what changed on it was reloaded by a page viewed before it (the same read). */
type Check = ((html: string) => void) | { reloaded: (html: string) => void };

describe('cached lists and statements', () => {
  let database: TestDatabase;
  let t: TestApp;
  let business: TestTenant;
  let owner: Scope;
  let client: TestClient;
  let productId: number;
  let ana: number;
  const queries = new QueryCounter();

  const pages = () => ['/sales', '/payments', '/customers', `/customers/${ana}`, `/customers/${ana}/statement`];

  async function view(c: TestClient, path: string, etag?: string) {
    const res = await c.get(path, etag ? { 'if-none-match': etag } : {});
    return { status: res.status, cache: res.headers.get('x-cache'), etag: res.headers.get('etag'), html: res.html };
  }

  /** Each page warm: a HIT that makes no database operation and is 304 to its own ETag. */
  async function warmAll(c: TestClient = client): Promise<Record<string, string>> {
    const etags: Record<string, string> = {};
    for (const path of pages()) {
      await view(c, path);
      let warm: Awaited<ReturnType<typeof view>> | undefined;
      const made = await queries.during(async () => (warm = await view(c, path)));
      expect([path, warm!.status, warm!.cache, made]).toEqual([path, 200, 'HIT', []]);
      expect(warm!.etag, path).toMatch(/^"[A-Za-z0-9_-]+(\.gz)?"$/);
      const again = await view(c, path, warm!.etag!);
      expect([path, again.status, again.html]).toEqual([path, 304, '']);
      etags[path] = warm!.etag!;
    }
    return etags;
  }

  /**
   * Warms every page, runs `commit`, then each page in `changed` is a MISS (not a 304) with a
   * new ETag, and passes its check; every other page is still 304.
   */
  async function afterCommit(commit: () => Promise<unknown>, changed: Record<string, Check>) {
    const before = await warmAll();
    await queries.own(commit);
    for (const path of pages()) {
      const next = await view(client, path, before[path]);
      const check = changed[path];
      if (!check) {
        expect([path, next.status]).toEqual([path, 304]);
        continue;
      }
      expect(next.etag, path).not.toBe(before[path]);
      if (typeof check === 'function') {
        expect([path, next.status, next.cache]).toEqual([path, 200, 'MISS']);
        check(next.html);
      } else {
        expect([path, next.status]).toEqual([path, 200]);
        check.reloaded(next.html);
      }
    }
  }

  const table = (html: string, id: string) => new RegExp(`id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  /** A sale of one lamp; its id and the number the pages show. */
  const sell = (extra: Record<string, unknown>) =>
    queries.own(async () => {
      const { id } = await t.deps.sales.confirm(owner, {
        token: randomUUID(),
        lines: [{ productId: String(productId), quantity: '1' }],
        ...extra,
      });
      return { id, number: (await database.db.prisma.sale.findUniqueOrThrow({ where: { id } })).number };
    });

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const db = { ...database.db, prisma: queries.wrap(database.db.prisma) };
    t = await startTestApp({ driver: 'postgresql', redis: true, database: { ...database, db } });
    await queries.own(async () => {
      business = await t.createTenantWithOwner('Lists Hardware');
      owner = { tenantId: business.tenantId, userId: business.owner.id, role: 'owner', db: t.deps.tenantDb(business.tenantId) };
      const unitId = (await database.db.prisma.unit.create({ data: { tenantId: business.tenantId, code: 'ea', name: 'Each' } })).id;
      productId = (
        await t.deps.catalog.products.create(owner, {
          sku: 'L-1',
          name: 'List lamp',
          unitId: String(unitId),
          price: '10.00',
          cost: '4.00',
          openingStock: '100',
        })
      ).id;
      ana = (await t.deps.customers.create(owner, { token: newFormToken(), name: 'Ana Lista', creditLimit: '25' })).id;
    });
    client = await t.signIn(business.owner.email, business.owner.password);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a warm view of each page is a HIT that asks the database nothing, and 304 while nothing changed', async () => {
    const first = await warmAll();
    expect(await warmAll()).toEqual(first);
    // The counter sees the pages' own reads: a query not asked before is read from PostgreSQL.
    let cold: Awaited<ReturnType<typeof view>> | undefined;
    const made = await queries.during(async () => (cold = await view(client, '/sales?status=cancelled&page=2')));
    expect(cold!.cache).toBe('MISS');
    expect(made).toContain('Sale.findMany');
  });

  it('a sale on account shows on the sales list, the customer, the open balance and the statement', async () => {
    let number = 0;
    await afterCommit(async () => (number = (await sell({ customerId: String(ana) })).number), {
      '/sales': (html) => expect(table(html, 'sales-table')).toContain(`#${number}</a>`),
      '/payments': { reloaded: () => {} }, // its customer picker (who reached their limit), reloaded by /sales
      '/customers': (html) => expect(table(html, 'customers-table')).toContain('$10.00'),
      [`/customers/${ana}`]: (html) => expect(html).toMatch(/data-open-balance>\$10\.00</),
      [`/customers/${ana}/statement`]: (html) => expect(html).toContain(`Sale #${number}</a>`),
    });
  });

  it('a sale paid at once shows its payment on the payments list', async () => {
    await afterCommit(() => sell({ customerId: String(ana), payNow: 'cash' }), {
      '/sales': () => {},
      '/payments': (html) => expect(table(html, 'payments-table')).toContain('Ana Lista'),
      '/customers': () => {},
      [`/customers/${ana}`]: (html) => expect(table(html, 'payments-table') || html).toContain('/payments/'),
      [`/customers/${ana}/statement`]: (html) => expect(html).toContain('Payment, Cash, for sale #'),
    });
  });

  it('a payment shows on the payments list, lowers the open amounts and reaches the statement', async () => {
    const { id: saleId, number } = await sell({ customerId: String(ana) });
    await afterCommit(
      () => t.deps.payments.register(owner, { token: randomUUID(), method: 'card', saleId, amount: '4.00', reference: 'REF-77' }),
      {
        '/sales': (html) => expect(table(html, 'sales-table')).toMatch(new RegExp(`#${number}</a>[\\s\\S]*?\\$6\\.00</td>`)),
        '/payments': (html) => expect(table(html, 'payments-table')).toContain('REF-77'),
        '/customers': () => {},
        [`/customers/${ana}`]: (html) => expect(html).toContain(`#${number}</a></td><td>`),
        [`/customers/${ana}/statement`]: (html) => expect(html).toContain('(REF-77)'),
      },
    );
  });

  it('a return and a cancellation with a refund show on the sales list, the customer and the statement', async () => {
    const { id, number } = await sell({ customerId: String(ana), payNow: 'cash' });
    await afterCommit(
      () =>
        t.deps.sales.return(owner, id, { token: newFormToken(), settlement: 'cash', lines: [{ lineNo: 1, quantity: '1' }] }).then(() => {
          // The whole sale was returned: nothing is left to cancel. Another sale is cancelled below.
        }),
      {
        '/sales': () => {},
        '/customers': () => {},
        [`/customers/${ana}`]: () => {},
        [`/customers/${ana}/statement`]: (html) => {
          expect(html).toMatch(new RegExp(`Sale #${number} \\(less returns of \\D?10\\.00\\)`));
          expect(html).toContain(`Refund, Cash, for sale #${number}`);
        },
        '/payments': { reloaded: () => {} }, // the picker (limit reached), reloaded by /sales
      },
    );
    const other = await sell({ customerId: String(ana), payNow: 'cash' });
    await afterCommit(() => t.deps.sales.cancel(owner, other.id, { settlement: 'cash' }), {
      '/sales': (html) => expect(table(html, 'sales-table')).toMatch(new RegExp(`#${other.number}</a>[\\s\\S]*?badge out`)),
      '/customers': () => {},
      [`/customers/${ana}`]: () => {},
      [`/customers/${ana}/statement`]: (html) => expect(html).toContain(`Sale #${other.number} (cancelled; counts for nothing)`),
      '/payments': { reloaded: () => {} },
    });
  });

  it('a new customer shows on the customers list and in the filters’ pickers', async () => {
    let id = 0;
    await afterCommit(async () => (id = (await t.deps.customers.create(owner, { token: newFormToken(), name: 'Bruno Nuevo' })).id), {
      '/sales': (html) => expect(html).toContain(`value="${id}"`),
      '/payments': { reloaded: (html) => expect(html).toContain(`value="${id}"`) },
      '/customers': (html) => expect(table(html, 'customers-table')).toContain('Bruno Nuevo'),
      // The customers module was bumped: a new version of Ana's pages, the same content.
      [`/customers/${ana}`]: () => {},
      [`/customers/${ana}/statement`]: () => {},
    });
  });

  it('a customer renamed shows with the new name on every list, their page and statement', async () => {
    await afterCommit(() => t.deps.customers.update(owner, ana, { name: 'Ana Renombrada', creditLimit: '25' }), {
      '/sales': (html) => expect(table(html, 'sales-table')).toContain('Ana Renombrada'),
      '/payments': (html) => expect(table(html, 'payments-table')).toContain('Ana Renombrada'),
      '/customers': (html) => expect(table(html, 'customers-table')).toContain('Ana Renombrada'),
      [`/customers/${ana}`]: (html) => expect(html).toContain('<h1>Ana Renombrada</h1>'),
      [`/customers/${ana}/statement`]: (html) => expect(html).toContain('Ana Renombrada'),
    });
  });

  it('a business settings change (the currency) shows on every page', async () => {
    const euro = (html: string) => expect(html).toContain('€');
    await afterCommit(
      () => t.deps.settings.business.update(owner, { name: business.name, currency: 'EUR', timeZone: 'UTC', defaultTaxRate: '0' }),
      Object.fromEntries(pages().map((path) => [path, euro])),
    );
  });

  it('a seller sees the same lists (no narrower view), under their own ETag, and another business never sees these', async () => {
    const staff = await t.createUser(business.tenantId, 'staff');
    const seller = await t.signIn(staff.email, staff.password);
    const mine = await warmAll();
    const theirs = await warmAll(seller);
    for (const path of pages()) {
      expect(theirs[path], path).not.toBe(mine[path]);
      expect((await view(seller, path, mine[path])).status, path).toBe(200);
    }
    expect(table((await view(seller, '/sales')).html, 'sales-table')).toBe(table((await view(client, '/sales')).html, 'sales-table'));

    const other = await t.createTenantWithOwner('Other Lists');
    const outsider = await t.signIn(other.owner.email, other.owner.password);
    for (const path of ['/sales', '/payments', '/customers']) {
      await view(outsider, path);
      const warm = await view(outsider, path);
      expect([path, warm.status, warm.cache]).toEqual([path, 200, 'HIT']);
      expect(warm.html, path).not.toContain('Ana Renombrada');
      expect(warm.html, path).not.toContain('List lamp');
    }
    expect((await view(outsider, `/customers/${ana}`)).status).toBe(404);
    expect((await view(outsider, `/customers/${ana}/statement`)).status).toBe(404);
  });

  it('an amount straight from the database is not on the page until its module is invalidated: the page reads the cache', async () => {
    const before = await warmAll();
    await database.db.prisma.customer.update({ where: { id: ana }, data: { creditLimit: new Prisma.Decimal('999') } });
    expect((await view(client, `/customers/${ana}`, before[`/customers/${ana}`])).status).toBe(304);
    await queries.own(() => t.deps.cache.module('customers').invalidate(business.tenantId));
    expect((await view(client, `/customers/${ana}`)).html).toContain('999.00');
  });
});
