import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { saleTotals } from '../sales/sale-totals.ts';
import { addToBalanceDays } from '../balance/balance-days.ts';
import { addDays, localDay, zonedInstant } from '../time.ts';

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

// Realistic demo data written in bulk, day by day, keeping every rule the services keep:
// stock never below zero (restocked by receipts), one movement per change, per-tenant
// sale numbers, payments never above a sale's open amount, and the daily balance summary.

export interface SeedOptions {
  tenantId: number;
  days: number;
  products: number;
  /** Average sales per day (weekends get fewer). */
  salesPerDay?: number;
  /** Last day of the seeded period (defaults to today in the tenant's zone). */
  until?: string;
  seed?: number;
  onProgress?: (done: number, total: number, sales: number) => void;
}

export interface SeedSummary {
  categories: number;
  units: number;
  products: number;
  customers: number;
  sales: number;
  payments: number;
}

/** mulberry32: a small seeded generator, so a seed gives the same data every time. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const unitDefs = [
  ['unit', 'Unit'],
  ['kg', 'Kilogram'],
  ['box', 'Box'],
  ['l', 'Litre'],
  ['m', 'Metre'],
] as const;
const categoryTree: Record<string, string[]> = {
  Hardware: ['Fasteners', 'Hand tools'],
  Garden: ['Seeds', 'Soil & fertiliser'],
  Paint: ['Interior paint', 'Brushes'],
  Electrical: ['Cables', 'Lighting'],
  Plumbing: [],
};
const nouns = ['Hammer', 'Screwdriver', 'Wrench', 'Pliers', 'Drill bit', 'Wood screw', 'Anchor', 'Hinge', 'Tape', 'Glue', 'Seed mix', 'Compost', 'Rake', 'Hose', 'Brush', 'Roller', 'Primer', 'Varnish', 'Cable', 'Bulb', 'Socket', 'Switch', 'Pipe', 'Valve', 'Faucet', 'Sealant'];
const adjectives = ['Pro', 'Compact', 'Heavy-duty', 'Classic', 'Eco', 'Mini', 'Premium', 'Basic', 'Garden', 'Industrial'];
const firstNames = ['Ana', 'Luis', 'Marta', 'João', 'Chloé', 'Pedro', 'Sofía', 'Jürgen', 'Aiko', 'Omar', 'Lucía', 'Noah', 'Emma', 'Ravi', 'Zoë'];
const lastNames = ['García', 'Silva', 'Müller', 'Dubois', 'Rossi', 'Novak', 'Tanaka', 'Haddad', 'Martín', 'Smith', 'Okafor', 'Ivanova'];
const methods = ['cash', 'card', 'transfer', 'other'] as const;

interface SeedProduct {
  id: number;
  price: Decimal;
  taxRate: Decimal;
  quantity: Decimal;
  restockTo: number;
}

export async function seedDemoData(prisma: PrismaClient, options: SeedOptions): Promise<SeedSummary> {
  const rnd = random(options.seed ?? options.tenantId * 7919);
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: options.tenantId } });
  const tenantId = tenant.id;
  const until = options.until ?? localDay(new Date(), tenant.timeZone);
  const salesPerDay = options.salesPerDay ?? 12;

  const units = await prisma.unit.createManyAndReturn({ data: unitDefs.map(([code, name]) => ({ tenantId, code, name })), skipDuplicates: true });
  const unitIds = (await prisma.unit.findMany({ where: { tenantId }, select: { id: true } })).map((u) => u.id);
  let categoryCount = 0;
  const leafCategoryIds: number[] = [];
  for (const [parentName, children] of Object.entries(categoryTree)) {
    const parent = await prisma.category.upsert({ where: { tenantId_name: { tenantId, name: parentName } }, create: { tenantId, name: parentName }, update: {} });
    categoryCount++;
    if (!children.length) leafCategoryIds.push(parent.id);
    for (const name of children) {
      const child = await prisma.category.upsert({ where: { tenantId_name: { tenantId, name } }, create: { tenantId, name, parentId: parent.id }, update: {} });
      categoryCount++;
      leafCategoryIds.push(child.id);
    }
  }

  const existingSkus = await prisma.product.count({ where: { tenantId } });
  const productRows = Array.from({ length: options.products }, (_, i) => {
    const n = existingSkus + i + 1;
    const name = `${rnd.pick(adjectives)} ${rnd.pick(nouns)} ${n}`;
    const sku = `DEMO-${String(n).padStart(5, '0')}`;
    const cost = new Decimal(rnd.int(50, 9000)).div(100);
    const price = cost.mul(1.3 + rnd.next() * 0.7).toDecimalPlaces(2);
    const barcode = rnd.next() < 0.6 ? String(8_400_000_000_000 + n) : null;
    return {
      barcode,
      tenantId,
      sku,
      name,
      searchText: `${sku} ${name}`.toLowerCase(),
      categoryId: rnd.pick(leafCategoryIds),
      unitId: rnd.pick(unitIds),
      price,
      cost,
      taxRate: rnd.next() < 0.2 ? new Decimal(10) : null,
      reorderLevel: new Decimal(rnd.int(2, 15)),
      quantityOnHand: new Decimal(0),
    };
  });
  const created = await prisma.product.createManyAndReturn({ data: productRows.map(({ barcode: _, ...row }) => row), select: { id: true, sku: true, price: true, taxRate: true, reorderLevel: true } });
  const idOfSku = new Map(created.map((p) => [p.sku, p.id]));
  const barcodes = productRows.flatMap((r) => (r.barcode ? [{ tenantId, productId: idOfSku.get(r.sku)!, code: r.barcode }] : []));
  if (barcodes.length) await prisma.productBarcode.createMany({ data: barcodes });
  const products: SeedProduct[] = created.map((p) => ({ id: p.id, price: p.price, taxRate: p.taxRate ?? tenant.defaultTaxRate, quantity: new Decimal(0), restockTo: p.reorderLevel.toNumber() * 4 + 20 }));

  const customers = await prisma.customer.createManyAndReturn({
    data: Array.from({ length: Math.max(5, Math.round(options.products / 5)) }, () => {
      const name = `${rnd.pick(firstNames)} ${rnd.pick(lastNames)}`;
      return { tenantId, name, email: `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(' ', '.')}@example.com`, creditLimit: rnd.next() < 0.5 ? new Decimal(rnd.int(5, 50) * 100) : null };
    }),
    select: { id: true },
  });

  const owner = await prisma.user.findFirst({ where: { tenantId, role: 'owner' }, select: { id: true } });
  let saleNumber = (await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { lastSaleNumber: true } })).lastSaleNumber;
  const firstDay = addDays(until, -(options.days - 1));
  let salesCount = 0;
  let paymentsCount = 0;
  // Sales on account waiting to be paid: paid in full or in part a few days later.
  let receivables: Array<{ saleId: number; customerId: number; open: Decimal; dueDay: string }> = [];

  for (let dayIndex = 0; dayIndex < options.days; dayIndex++) {
    const day = addDays(firstDay, dayIndex);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const count = Math.max(0, Math.round(salesPerDay * (weekday === 0 ? 0.3 : weekday === 6 ? 0.7 : 1) * (0.6 + rnd.next() * 0.8)));
    const balance = new Map<number, { sales: Decimal; payments: Decimal }>();
    const addBalance = (customerKey: number, sales: Decimal, payments: Decimal) => {
      for (const key of customerKey === 0 ? [0] : [0, customerKey]) {
        const b = balance.get(key) ?? { sales: new Decimal(0), payments: new Decimal(0) };
        balance.set(key, { sales: b.sales.plus(sales), payments: b.payments.plus(payments) });
      }
    };

    await prisma.$transaction(async (tx) => {
      const movements: Prisma.StockMovementCreateManyInput[] = [];
      // Morning receipts for whatever ran low.
      for (const p of products) {
        if (p.quantity.lessThan(10)) {
          const qty = new Decimal(p.restockTo).minus(p.quantity);
          p.quantity = p.quantity.plus(qty);
          movements.push({ tenantId, productId: p.id, kind: 'receipt', quantity: qty, reason: 'Supplier delivery', userId: owner?.id ?? null, createdAt: zonedInstant(day, tenant.timeZone, 8 * 60) });
        }
      }
      const sales: Prisma.SaleCreateManyInput[] = [];
      const lines: Array<{ number: number; rows: Omit<Prisma.SaleLineCreateManyInput, 'saleId' | 'tenantId'>[] }> = [];
      const onAccount: Array<{ number: number; customerId: number; total: Decimal }> = [];
      const walkIn: Array<{ number: number; total: Decimal; soldAt: Date; customerId: number | null }> = [];
      for (let s = 0; s < count; s++) {
        const soldAt = zonedInstant(day, tenant.timeZone, 9 * 60 + Math.floor(((s + rnd.next()) / Math.max(count, 1)) * 10 * 60));
        const picked = new Set<SeedProduct>();
        const lineCount = rnd.int(1, 4);
        while (picked.size < lineCount) picked.add(rnd.pick(products));
        const lineInputs = [...picked].map((p) => {
          const quantity = Decimal.min(new Decimal(rnd.int(1, 5)), p.quantity);
          return { product: p, quantity, unitPrice: p.price, discountPct: rnd.next() < 0.15 ? new Decimal(rnd.pick([5, 10, 15])) : new Decimal(0), taxRate: p.taxRate };
        }).filter((l) => l.quantity.greaterThan(0));
        if (!lineInputs.length) continue;
        const totals = saleTotals(lineInputs);
        const number = ++saleNumber;
        const customerId = rnd.next() < 0.45 ? rnd.pick(customers).id : null;
        sales.push({ tenantId, number, customerId, status: 'confirmed', soldAt, subtotal: totals.subtotal, discountTotal: totals.discountTotal, taxTotal: totals.taxTotal, total: totals.total, createdById: owner?.id ?? null, createdAt: soldAt });
        lines.push({
          number,
          rows: lineInputs.map((l, i) => ({ lineNo: i + 1, productId: l.product.id, quantity: l.quantity, unitPrice: l.unitPrice, discountPct: l.discountPct, taxRate: l.taxRate, lineSubtotal: totals.lines[i]!.subtotal, lineTax: totals.lines[i]!.tax, lineTotal: totals.lines[i]!.total })),
        });
        for (const l of lineInputs) l.product.quantity = l.product.quantity.minus(l.quantity);
        addBalance(customerId ?? 0, totals.total, new Decimal(0));
        if (customerId && rnd.next() < 0.6) onAccount.push({ number, customerId, total: totals.total });
        else walkIn.push({ number, total: totals.total, soldAt, customerId });
      }
      const createdSales = sales.length ? await tx.sale.createManyAndReturn({ data: sales, select: { id: true, number: true, soldAt: true } }) : [];
      const idByNumber = new Map(createdSales.map((s) => [s.number, s]));
      await tx.saleLine.createMany({ data: lines.flatMap((l) => l.rows.map((r) => ({ ...r, tenantId, saleId: idByNumber.get(l.number)!.id }))) });
      for (const l of lines) {
        const sale = idByNumber.get(l.number)!;
        for (const r of l.rows) movements.push({ tenantId, productId: r.productId, kind: 'sale', quantity: new Decimal(r.quantity as Decimal).neg(), saleId: sale.id, userId: owner?.id ?? null, createdAt: sale.soldAt });
      }
      await tx.stockMovement.createMany({ data: movements });

      const payments: Prisma.PaymentCreateManyInput[] = [];
      const paid = new Map<number, Decimal>();
      for (const w of walkIn) {
        const sale = idByNumber.get(w.number)!;
        payments.push({ tenantId, amount: w.total, method: rnd.pick(['cash', 'card'] as const), paidAt: w.soldAt, saleId: sale.id, customerId: w.customerId, createdById: owner?.id ?? null });
        paid.set(sale.id, w.total);
        addBalance(w.customerId ?? 0, new Decimal(0), w.total);
      }
      for (const a of onAccount) receivables.push({ saleId: idByNumber.get(a.number)!.id, customerId: a.customerId, open: a.total, dueDay: addDays(day, rnd.int(3, 30)) });
      const stillOpen: typeof receivables = [];
      for (const r of receivables) {
        if (r.dueDay > day || r.dueDay > until) {
          stillOpen.push(r);
          continue;
        }
        const amount = rnd.next() < 0.3 ? r.open.div(2).toDecimalPlaces(2, Decimal.ROUND_DOWN) : r.open;
        if (amount.lessThanOrEqualTo(0)) continue;
        payments.push({ tenantId, amount, method: rnd.pick(methods), paidAt: zonedInstant(day, tenant.timeZone, 11 * 60 + rnd.int(0, 300)), saleId: r.saleId, customerId: r.customerId, createdById: owner?.id ?? null });
        paid.set(r.saleId, (paid.get(r.saleId) ?? new Decimal(0)).plus(amount));
        addBalance(r.customerId, new Decimal(0), amount);
        const open = r.open.minus(amount);
        if (open.greaterThan(0)) stillOpen.push({ ...r, open, dueDay: addDays(day, rnd.int(5, 20)) });
      }
      receivables = stillOpen;
      if (payments.length) await tx.payment.createMany({ data: payments });
      for (const [saleId, amount] of paid) await tx.sale.update({ where: { id: saleId }, data: { paidTotal: { increment: amount } } });
      const touched = new Set([...movements.map((m) => m.productId)]);
      for (const p of products) if (touched.has(p.id)) await tx.product.update({ where: { id: p.id }, data: { quantityOnHand: p.quantity } });
      await tx.tenant.update({ where: { id: tenantId }, data: { lastSaleNumber: saleNumber } });
      await addToBalanceDays(tx, tenantId, [...balance].map(([customerKey, b]) => ({ customerKey, day, sales: b.sales, payments: b.payments })));
      salesCount += createdSales.length;
      paymentsCount += payments.length;
    }, { timeout: 60_000 });
    options.onProgress?.(dayIndex + 1, options.days, salesCount);
  }

  return { categories: categoryCount, units: units.length, products: products.length, customers: customers.length, sales: salesCount, payments: paymentsCount };
}
