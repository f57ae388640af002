import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.ts';
import { createCacheService, type CacheService } from '../../src/cache/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { forTenant } from '../../src/db/tenant-scope.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { recomputeBalanceDays } from '../../src/balance/balance-days.ts';
import { createCustomers, type CustomersService } from '../../src/customers/index.ts';
import { createPayments, type PaymentsService } from '../../src/payments/index.ts';
import { createSales, type SalesService } from '../../src/sales/index.ts';
import { createTill, type TillService } from '../../src/till/index.ts';
import type { Scope } from '../../src/db/scope.ts';
import type { RoleName } from '../../src/auth/users.schema.ts';
import { createDatabase, type Driver } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/database.ts';

// Fixtures of the sales, payments and customers tests: a tenant with an owner, a manager
// and a staff user, a unit, products and customers, written through the bare client.

const Decimal = Prisma.Decimal;
export { Decimal };

export interface Shop {
  tenantId: number;
  users: Record<RoleName, number>;
  unitId: number;
  actor(role?: RoleName): Scope;
  product(opts: { sku?: string; price?: string; qty?: string; taxRate?: string | null; active?: boolean }): Promise<number>;
  customer(opts?: { name?: string; creditLimit?: string }): Promise<number>;
}

export interface ShopOptions {
  timeZone?: string;
  defaultTaxRate?: string;
  currency?: string;
}

let shops = 0;

export async function makeShop(prisma: PrismaClient, opts: ShopOptions = {}): Promise<Shop> {
  const n = ++shops;
  const stamp = `${process.pid}-${Date.now()}-${n}`;
  const tenant = await prisma.tenant.create({
    data: {
      name: `Shop ${n}`,
      currency: opts.currency ?? 'USD',
      timeZone: opts.timeZone ?? 'America/New_York',
      defaultTaxRate: new Decimal(opts.defaultTaxRate ?? '10'),
      users: {
        create: (['owner', 'manager', 'staff'] as const).map((role) => ({
          email: `${role}-${stamp}@example.com`,
          role,
          passwordHash: 'x',
          name: role,
        })),
      },
    },
    include: { users: true },
  });
  const users = Object.fromEntries(tenant.users.map((u) => [u.role, u.id])) as Record<RoleName, number>;
  const unit = await prisma.unit.create({ data: { tenantId: tenant.id, code: 'unit', name: 'Unit' } });
  const db = forTenant(prisma, tenant.id);
  let skus = 0;
  return {
    tenantId: tenant.id,
    users,
    unitId: unit.id,
    actor: (role = 'staff') => ({ tenantId: tenant.id, userId: users[role], role, db }),
    async product({ sku, price = '10.00', qty = '10', taxRate = null, active = true }) {
      const code = sku ?? `SKU-${++skus}`;
      const p = await prisma.product.create({
        data: {
          tenantId: tenant.id,
          sku: code,
          name: `Product ${code}`,
          searchText: `${code} product ${code}`.toLowerCase(),
          unitId: unit.id,
          price: new Decimal(price),
          taxRate: taxRate === null ? null : new Decimal(taxRate),
          quantityOnHand: new Decimal(qty),
          active,
        },
      });
      if (new Decimal(qty).greaterThan(0))
        await prisma.stockMovement.create({ data: { tenantId: tenant.id, productId: p.id, kind: 'receipt', quantity: new Decimal(qty) } });
      return p.id;
    },
    async customer({ name = 'Ana García', creditLimit } = {}) {
      const c = await prisma.customer.create({
        data: { tenantId: tenant.id, name, creditLimit: creditLimit === undefined ? null : new Decimal(creditLimit) },
      });
      return c.id;
    },
  };
}

export interface SalesServices {
  sales: SalesService;
  payments: PaymentsService;
  customers: CustomersService;
  till: TillService;
}

export interface Harness {
  services: SalesServices;
  cache: CacheService;
  close(): Promise<void>;
}

export function makeServices(prisma: PrismaClient): Harness {
  const config = loadConfig({ NODE_ENV: 'test' });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const cache = createCacheService({ config: config.cache, redis: undefined, prisma, logger, metrics: new Registry() });
  const core = { transactions: { cache, logger } };
  const { customers } = createCustomers(core);
  const { sales } = createSales(core, { customers });
  const services = { sales, customers, payments: createPayments(core, { sales, customers }).payments, till: createTill(core).till };
  return { services, cache, close: () => cache.close() };
}

/** A shop together with its own test database and the sales services over it. */
export interface ShopWithServices extends Shop {
  /** The bare client of the suite's database. */
  prisma: PrismaClient;
  services: SalesServices;
  cache: CacheService;
}

export interface ShopWithServicesOptions extends ShopOptions {
  /** A client with a pool this large instead of the default one ('postgresql' only). */
  poolSize?: number;
  /** Timeout of the beforeAll that builds it; the project's hookTimeout when not given. */
  setupTimeoutMs?: number;
}

/**
 * For the calling describe block: a fresh migrated database, the sales services over it
 * (makeServices) and one shop (makeShop), built in beforeAll and thrown away in afterAll.
 * The object returned is filled in by that beforeAll: read it in hooks and tests only.
 */
export function setUpShopWithServices(driver: Driver, options: ShopWithServicesOptions = {}): ShopWithServices {
  const { poolSize, setupTimeoutMs, ...shopOptions } = options;
  const fixture = {} as ShopWithServices;
  let harness: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const t = await createTestDatabase(driver);
    drop = t.drop;
    let prisma = t.db.prisma;
    if (poolSize !== undefined) {
      if (t.databaseUrl === undefined) throw new Error(`poolSize needs the postgresql driver, not ${driver}`);
      const wide = await createDatabase({ databaseUrl: t.databaseUrl, poolSize });
      prisma = wide.prisma;
      drop = async () => {
        await wide.close();
        await t.drop();
      };
    }
    harness = makeServices(prisma);
    const shop = await makeShop(prisma, shopOptions);
    Object.assign(fixture, shop, { prisma, services: harness.services, cache: harness.cache });
  }, setupTimeoutMs);
  afterAll(async () => {
    await harness?.close();
    await drop?.();
  });
  return fixture;
}

/** A sale form as the router hands it to the service. */
export function saleForm(lines: Array<Record<string, string | number | undefined>>, extra: Record<string, unknown> = {}) {
  return { token: newFormToken(), lines, ...extra };
}

export function paymentForm(fields: Record<string, unknown>) {
  return { token: newFormToken(), method: 'cash', ...fields };
}

/** Everything that must not change when a sale is refused. */
export async function snapshot(prisma: PrismaClient, tenantId: number) {
  const [sales, lines, movements, payments, balance, products, tenant, submissions] = await Promise.all([
    prisma.sale.count({ where: { tenantId } }),
    prisma.saleLine.count({ where: { tenantId } }),
    prisma.stockMovement.count({ where: { tenantId } }),
    prisma.payment.count({ where: { tenantId } }),
    prisma.balanceDay.findMany({ where: { tenantId }, orderBy: [{ customerKey: 'asc' }, { day: 'asc' }] }),
    prisma.product.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, select: { id: true, quantityOnHand: true } }),
    prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { lastSaleNumber: true } }),
    prisma.formSubmission.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ sales, lines, movements, payments, balance, products, tenant, submissions });
}

/** Σ movements per product == quantity on hand, for every product of the tenant. */
/**
 * The stored balance summary and its recomputation from raw sales and payments, as comparable
 * rows [customerKey, day, sales, payments]; a row of zeros (a day whose only sale was
 * cancelled) is the same as no row, so both leave them out.
 */
export async function balanceSummaryAndRecomputation(
  prisma: PrismaClient,
  tenantId: number,
): Promise<{ summary: string[][]; recomputed: string[][] }> {
  const stored = await prisma.balanceDay.findMany({ where: { tenantId }, orderBy: [{ customerKey: 'asc' }, { day: 'asc' }] });
  const recomputed = await recomputeBalanceDays(prisma, tenantId);
  const nonZero = (rows: string[][]) => rows.filter((r) => r[2] !== '0.00' || r[3] !== '0.00');
  return {
    summary: nonZero(
      stored.map((d) => [String(d.customerKey), d.day.toISOString().slice(0, 10), d.salesTotal.toFixed(2), d.paymentsTotal.toFixed(2)]),
    ),
    recomputed: nonZero(recomputed.map((r) => [String(r.customerKey), r.day, r.sales.toFixed(2), r.payments.toFixed(2)])),
  };
}

export async function ledgerMatches(prisma: PrismaClient, tenantId: number): Promise<boolean> {
  const products = await prisma.product.findMany({ where: { tenantId }, select: { id: true, quantityOnHand: true } });
  const sums = await prisma.stockMovement.groupBy({ by: ['productId'], where: { tenantId }, _sum: { quantity: true } });
  return products.every((p) => new Decimal(sums.find((s) => s.productId === p.id)?._sum.quantity ?? 0).equals(p.quantityOnHand));
}

export async function quantity(prisma: PrismaClient, productId: number): Promise<string> {
  const p = await prisma.product.findUniqueOrThrow({ where: { id: productId }, select: { quantityOnHand: true } });
  return p.quantityOnHand.toFixed();
}
