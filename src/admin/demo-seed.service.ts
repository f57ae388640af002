import { setImmediate as nextTurn } from 'node:timers/promises';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { lineCost, saleTotals } from '../sales/index.ts';
import { addToBalanceDays } from '../balance/index.ts';
import { addToProfitDays, profitRows, type ProfitRow } from '../profit/index.ts';
import { costAfter, record, type Movement } from '../stock/index.ts';
import { addDays, localDay, zonedInstant } from '../time.ts';
import { PaymentMethod } from '../generated/prisma/enums.ts';
import { productSearchText } from '../catalog/index.ts';
import { demoPaymentMethod, demoWords } from './demo-words.ts';
import { seededRandom } from '../seeded-random.ts';

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

// Realistic demo data written in bulk, day by day, keeping every rule the services keep:
// stock never below zero (restocked by purchase orders from each department's supplier,
// received through the ledger at a cost that drifts a little, which moves the average
// cost), one movement per change, per-tenant sale and order numbers, each sale line at its
// product's average cost of the moment, payments never above a sale's open amount, and the
// daily balance and profit summaries.

export interface SeedOptions {
  tenantId: number;
  days: number;
  products: number;
  /** Average sales per day (weekends get fewer). */
  salesPerDay?: number;
  /** Last day of the seeded period (defaults to today in the tenant's zone). */
  until?: string;
  seed?: number;
  /** The clock: nothing is sold, paid or received after it (defaults to the current time). */
  now?: Date;
  onProgress?: (done: number, total: number, sales: number) => void;
}

export interface SeedSummary {
  categories: number;
  units: number;
  products: number;
  customers: number;
  suppliers: number;
  purchaseOrders: number;
  sales: number;
  payments: number;
}

const unitDefs = [
  ['unit', 'Unit'],
  ['kg', 'Kilogram'],
  ['box', 'Box'],
  ['l', 'Litre'],
  ['m', 'Metre'],
] as const;
type UnitCode = (typeof unitDefs)[number][0];

/**
 * The demo shop's catalogue: what a hardware store sells, where it is filed and by what it
 * is sold (a hammer by the unit under Hand tools, paint by the litre, cable by the metre).
 * Each item: name, unit, cost range in cents.
 */
export const DEMO_CATALOGUE: ReadonlyArray<{
  parent: string;
  category: string;
  items: ReadonlyArray<readonly [string, UnitCode, number, number]>;
}> = [
  {
    parent: 'Tools',
    category: 'Hand tools',
    items: [
      ['Claw hammer', 'unit', 900, 1800],
      ['Screwdriver set', 'unit', 1200, 2500],
      ['Adjustable wrench', 'unit', 800, 1600],
      ['Combination pliers', 'unit', 700, 1400],
      ['Tape measure 5 m', 'unit', 400, 900],
      ['Spirit level 60 cm', 'unit', 1000, 2200],
      ['Utility knife', 'unit', 300, 700],
    ],
  },
  {
    parent: 'Tools',
    category: 'Drill bits',
    items: [
      ['Wood drill bit set', 'box', 900, 1900],
      ['Masonry drill bit 8 mm', 'unit', 250, 500],
      ['Metal drill bit set', 'box', 1400, 2800],
    ],
  },
  {
    parent: 'Fasteners',
    category: 'Screws & nails',
    items: [
      ['Wood screws 4×40 mm', 'box', 400, 800],
      ['Drywall screws 3.5×35 mm', 'box', 500, 900],
      ['Wall plugs 6 mm', 'box', 200, 450],
      ['Round wire nails', 'kg', 300, 600],
      ['Roofing nails', 'kg', 400, 750],
    ],
  },
  {
    parent: 'Fasteners',
    category: 'Hinges & brackets',
    items: [
      ['Butt hinge 75 mm', 'unit', 150, 350],
      ['Shelf bracket 200 mm', 'unit', 180, 400],
      ['Corner brace', 'unit', 80, 200],
    ],
  },
  {
    parent: 'Paint',
    category: 'Wall paint',
    items: [
      ['Interior wall paint, white', 'l', 500, 900],
      ['Exterior masonry paint', 'l', 700, 1200],
      ['Ceiling paint, matt', 'l', 450, 800],
      ['Primer undercoat', 'l', 500, 850],
    ],
  },
  {
    parent: 'Paint',
    category: 'Wood finishes',
    items: [
      ['Clear wood varnish', 'l', 900, 1500],
      ['Wood stain, oak', 'l', 800, 1400],
      ['White spirit', 'l', 250, 500],
    ],
  },
  {
    parent: 'Paint',
    category: 'Brushes & rollers',
    items: [
      ['Paint brush 50 mm', 'unit', 200, 500],
      ['Paint roller 230 mm', 'unit', 400, 900],
      ['Paint tray', 'unit', 250, 500],
      ['Masking tape 25 mm', 'unit', 150, 350],
    ],
  },
  {
    parent: 'Electrical',
    category: 'Cables',
    items: [
      ['Twin and earth cable 2.5 mm²', 'm', 80, 160],
      ['Flex cable 0.75 mm²', 'm', 40, 90],
      ['Speaker cable', 'm', 30, 70],
    ],
  },
  {
    parent: 'Electrical',
    category: 'Lighting',
    items: [
      ['LED bulb E27 9 W', 'unit', 150, 400],
      ['LED bulb GU10 5 W', 'unit', 150, 350],
      ['LED work light', 'unit', 1500, 3000],
      ['Outdoor wall light', 'unit', 1800, 3500],
    ],
  },
  {
    parent: 'Electrical',
    category: 'Switches & sockets',
    items: [
      ['Light switch, single', 'unit', 200, 500],
      ['Double socket', 'unit', 350, 800],
      ['Extension lead 4-way', 'unit', 700, 1500],
    ],
  },
  {
    parent: 'Plumbing',
    category: 'Pipes & fittings',
    items: [
      ['Copper pipe 15 mm', 'm', 300, 600],
      ['PVC waste pipe 40 mm', 'm', 200, 450],
      ['Compression elbow 15 mm', 'unit', 150, 350],
      ['PTFE tape', 'unit', 50, 150],
    ],
  },
  {
    parent: 'Plumbing',
    category: 'Taps & valves',
    items: [
      ['Basin mixer tap', 'unit', 2500, 5000],
      ['Ball valve 15 mm', 'unit', 400, 900],
      ['Silicone sealant, white', 'unit', 300, 650],
    ],
  },
  {
    parent: 'Garden',
    category: 'Seeds',
    items: [
      ['Tomato seeds', 'unit', 100, 250],
      ['Lawn seed', 'kg', 500, 1000],
      ['Sunflower seeds', 'unit', 100, 250],
    ],
  },
  {
    parent: 'Garden',
    category: 'Soil & fertiliser',
    items: [
      ['Multi-purpose compost', 'kg', 30, 70],
      ['Lawn fertiliser', 'kg', 200, 450],
      ['Potting soil', 'kg', 40, 90],
    ],
  },
  {
    parent: 'Garden',
    category: 'Garden tools',
    items: [
      ['Garden rake', 'unit', 900, 1800],
      ['Garden hose', 'm', 60, 140],
      ['Pruning shears', 'unit', 700, 1600],
      ['Watering can 10 l', 'unit', 500, 1100],
    ],
  },
];
/** Who the shop buys each department from: name, contact, payment terms (days). */
export const DEMO_SUPPLIERS: Readonly<Record<string, readonly [string, string, number]>> = {
  Tools: ['Ferrotool Wholesale', 'Marta Ortega', 30],
  Fasteners: ['Northern Fixings Ltd', 'Ian Reid', 30],
  Paint: ['Colorama Paints', 'Bruno Sá', 45],
  Electrical: ['Voltia Electrical Supply', 'Hana Kovač', 30],
  Plumbing: ['AquaLine Trade', 'Diego Prieto', 60],
  Garden: ['Verde Garden Supplies', 'Lena Vogel', 15],
};
/** Later rounds through the catalogue, when more products are asked for than it holds. */
const ranges = ['Trade', 'Value', 'Premium', 'Compact', 'Heavy-duty'];
const firstNames = [
  'Ana',
  'Luis',
  'Marta',
  'João',
  'Chloé',
  'Pedro',
  'Sofía',
  'Jürgen',
  'Aiko',
  'Omar',
  'Lucía',
  'Noah',
  'Emma',
  'Ravi',
  'Zoë',
];
const lastNames = ['García', 'Silva', 'Müller', 'Dubois', 'Rossi', 'Novak', 'Tanaka', 'Haddad', 'Martín', 'Smith', 'Okafor', 'Ivanova'];
/** A shop's year: busy in spring and early summer (garden, outdoor work), quiet after the holidays. */
const monthFactor = [0.7, 0.75, 0.95, 1.15, 1.25, 1.2, 1.05, 0.95, 1.0, 0.95, 0.9, 1.05];
/** Sunday to Saturday: Saturday is the busy day, Sunday a short one. */
const weekdayFactor = [0.3, 0.9, 0.95, 1.0, 1.0, 1.1, 1.35];
const methods = Object.values(PaymentMethod);

interface SeedProduct {
  id: number;
  price: Decimal;
  taxRate: Decimal;
  quantity: Decimal;
  restockTo: number;
  /** The supplier's list price before its drift over the year. */
  listCost: Decimal;
  /** The average cost now (the ledger's, followed here so sale lines carry it). */
  cost: Decimal;
  supplierId: number;
}

export async function seedDemoData(prisma: PrismaClient, options: SeedOptions): Promise<SeedSummary> {
  const rnd = seededRandom(options.seed ?? options.tenantId * 7919);
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: options.tenantId } });
  const tenantId = tenant.id;
  const now = options.now ?? new Date();
  const today = localDay(now, tenant.timeZone);
  const until = options.until ?? today;
  const salesPerDay = options.salesPerDay ?? 12;
  const word = demoWords(tenant.language);

  // A Spanish shop is also paid by Bizum, a Brazilian one by Pix: the demo's `other` payments are those.
  const ownMethodName = demoPaymentMethod(tenant.language);
  const ownMethodId = ownMethodName
    ? ((await prisma.businessPaymentMethod.findFirst({ where: { tenantId, name: { equals: ownMethodName, mode: 'insensitive' } } }))?.id ??
      (await prisma.businessPaymentMethod.create({ data: { tenantId, name: ownMethodName, position: 1 } })).id)
    : null;

  const units = await prisma.unit.createManyAndReturn({
    data: unitDefs.map(([code, name]) => ({ tenantId, code, name: word(name) })),
    skipDuplicates: true,
  });
  const unitIdOf = new Map(
    (
      await prisma.unit.findMany({ where: { tenantId, code: { in: unitDefs.map(([code]) => code) } }, select: { id: true, code: true } })
    ).map((u) => [u.code, u.id]),
  );
  let categoryCount = 0;
  const categoryIdOf = new Map<string, number>();
  for (const { parent: parentName, category: name } of DEMO_CATALOGUE) {
    let parentId = categoryIdOf.get(parentName);
    if (parentId === undefined) {
      parentId = (
        await prisma.category.upsert({
          where: { tenantId_name: { tenantId, name: word(parentName) } },
          create: { tenantId, name: word(parentName) },
          update: {},
        })
      ).id;
      categoryIdOf.set(parentName, parentId);
      categoryCount++;
    }
    const child = await prisma.category.upsert({
      where: { tenantId_name: { tenantId, name: word(name) } },
      create: { tenantId, name: word(name), parentId },
      update: {},
    });
    categoryIdOf.set(name, child.id);
    categoryCount++;
  }
  // Round-robin over the categories, so even a small shop has a bit of everything.
  const flat: Array<{ parent: string; category: string; name: string; unit: UnitCode; minCost: number; maxCost: number }> = [];
  for (let i = 0; flat.length < DEMO_CATALOGUE.reduce((n, c) => n + c.items.length, 0); i++) {
    for (const c of DEMO_CATALOGUE) {
      const item = c.items[i];
      if (item) flat.push({ parent: c.parent, category: c.category, name: item[0], unit: item[1], minCost: item[2], maxCost: item[3] });
    }
  }
  const supplierIdOf = new Map<string, number>();
  const termsOf = new Map<number, number>();
  for (const [department, [name, contactName, paymentTermsDays]] of Object.entries(DEMO_SUPPLIERS)) {
    const known = await prisma.supplier.findFirst({ where: { tenantId, name }, select: { id: true } });
    const email = `orders@${name
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .replace(/-+$/, '')}.example.com`;
    const supplierId =
      known?.id ??
      (await prisma.supplier.create({ data: { tenantId, name, contactName, email, paymentTermsDays }, select: { id: true } })).id;
    supplierIdOf.set(department, supplierId);
    termsOf.set(supplierId, paymentTermsDays);
  }

  const existingSkus = await prisma.product.count({ where: { tenantId } });
  const productRows = Array.from({ length: options.products }, (_, i) => {
    const n = existingSkus + i + 1;
    const item = flat[(n - 1) % flat.length]!;
    const round = Math.floor((n - 1) / flat.length);
    const name =
      round === 0
        ? word(item.name)
        : `${word(item.name)} (${word(ranges[(round - 1) % ranges.length]!)}${round > ranges.length ? ` ${Math.ceil(round / ranges.length)}` : ''})`;
    const sku = `DEMO-${String(n).padStart(5, '0')}`;
    const listCost = new Decimal(rnd.int(item.minCost, item.maxCost)).div(100);
    // Priced for the costs to come (which drift up to 6 % above the list), so every sale earns.
    const price = listCost.mul(1.3 + rnd.next() * 0.7).toDecimalPlaces(2);
    const barcode = rnd.next() < 0.6 ? String(8_400_000_000_000 + n) : null;
    return {
      barcode,
      tenantId,
      sku,
      name,
      searchText: productSearchText(sku, name),
      categoryId: categoryIdOf.get(item.category)!,
      unitId: unitIdOf.get(item.unit)!,
      price,
      listCost,
      supplierId: supplierIdOf.get(item.parent)!,
      taxRate: rnd.next() < 0.2 ? new Decimal(10) : null,
      reorderLevel: new Decimal(rnd.int(2, 15)),
    };
  });
  // Created at cost 0 and no stock: the first delivery brings both (a receipt into zero stock takes its unit cost).
  const created = await prisma.product.createManyAndReturn({
    data: productRows.map(({ barcode: _, listCost: _l, supplierId: _s, ...row }) => row),
    select: { id: true, sku: true, price: true, taxRate: true, reorderLevel: true },
  });
  const idOfSku = new Map(created.map((p) => [p.sku, p.id]));
  const barcodes = productRows.flatMap((r) => (r.barcode ? [{ tenantId, productId: idOfSku.get(r.sku)!, code: r.barcode }] : []));
  if (barcodes.length) await prisma.productBarcode.createMany({ data: barcodes });
  const rowOfSku = new Map(productRows.map((r) => [r.sku, r]));
  const products: SeedProduct[] = created.map((p) => ({
    id: p.id,
    price: p.price,
    taxRate: p.taxRate ?? tenant.defaultTaxRate,
    quantity: new Decimal(0),
    restockTo: p.reorderLevel.toNumber() * 4 + 20,
    listCost: rowOfSku.get(p.sku)!.listCost,
    cost: new Decimal(0),
    supplierId: rowOfSku.get(p.sku)!.supplierId,
  }));
  const productById = new Map(products.map((p) => [p.id, p]));

  // Distinct people: each (first, last) pair once, then with a middle initial; none that the
  // business already has (a second seed into the same business).
  const taken = new Set((await prisma.customer.findMany({ where: { tenantId }, select: { name: true } })).map((c) => c.name));
  const people: string[] = [];
  const wanted = Math.max(5, Math.round(options.products / 5));
  const pairs = firstNames.flatMap((f) => lastNames.map((l) => [f, l] as const));
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  for (let round = 0; people.length < wanted; round++) {
    const middle = round === 0 ? '' : `${String.fromCharCode(64 + (((round - 1) % 26) + 1))}.${round > 26 ? Math.ceil(round / 26) : ''} `;
    for (const [f, l] of pairs) {
      const name = `${f} ${middle}${l}`;
      if (!taken.has(name)) people.push(name);
      if (people.length >= wanted) break;
    }
  }
  const emailOf = (name: string) =>
    `${name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9 ]/g, '')
      .trim()
      .replace(/ +/g, '.')}@example.com`;
  const customers = await prisma.customer.createManyAndReturn({
    data: people.map((name) => ({
      tenantId,
      name,
      email: emailOf(name),
      creditLimit: rnd.next() < 0.5 ? new Decimal(rnd.int(5, 50) * 100) : null,
    })),
    select: { id: true },
  });

  const owner = await prisma.user.findFirst({ where: { tenantId, role: 'owner' }, select: { id: true } });
  const numbers = await prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { lastSaleNumber: true, lastPurchaseOrderNumber: true },
  });
  let saleNumber = numbers.lastSaleNumber;
  let orderNumber = numbers.lastPurchaseOrderNumber;
  const firstDay = addDays(until, -(options.days - 1));
  // The seeded sales carry their moment's cost: for a business with no sales before them,
  // costs are historical from the first seeded day.
  if ((await prisma.sale.count({ where: { tenantId } })) === 0) {
    const from = zonedInstant(firstDay, tenant.timeZone);
    if (from < tenant.costsHistoricalFrom) await prisma.tenant.update({ where: { id: tenantId }, data: { costsHistoricalFrom: from } });
  }
  let salesCount = 0;
  let paymentsCount = 0;
  let ordersCount = 0;
  // Sales on account waiting to be paid: paid in full or in part a few days later.
  let receivables: Array<{ saleId: number; customerId: number; open: Decimal; dueDay: string }> = [];
  // Deliveries waiting to be paid: each paid in full by transfer on the day its supplier's terms run out.
  let payables: Array<{ supplierId: number; total: Decimal; dueDay: string; orderNumber: number }> = [];

  const notAfterNow = (instant: Date) => (instant > now ? now : instant);

  for (let dayIndex = 0; dayIndex < options.days; dayIndex++) {
    const day = addDays(firstDay, dayIndex);
    if (day > today) break; // nothing happens in the future
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const month = Number(day.slice(5, 7)) - 1;
    // The shop opens 9:00 to 19:00; today only up to now, with the sales of the hours gone by.
    const opensAt = zonedInstant(day, tenant.timeZone, 9 * 60);
    const closesAt = notAfterNow(zonedInstant(day, tenant.timeZone, 19 * 60));
    const openMinutes = Math.max(0, (closesAt.getTime() - opensAt.getTime()) / 60_000);
    const count = Math.max(
      0,
      Math.round(salesPerDay * weekdayFactor[weekday]! * monthFactor[month]! * (0.6 + rnd.next() * 0.8) * (openMinutes / 600)),
    );
    const balance = new Map<number, { sales: Decimal; payments: Decimal }>();
    const addBalance = (customerKey: number, sales: Decimal, payments: Decimal) => {
      for (const key of customerKey === 0 ? [0] : [0, customerKey]) {
        const b = balance.get(key) ?? { sales: new Decimal(0), payments: new Decimal(0) };
        balance.set(key, { sales: b.sales.plus(sales), payments: b.payments.plus(payments) });
      }
    };

    await prisma.$transaction(
      async (tx) => {
        const movements: Movement[] = [];
        // Morning deliveries for whatever ran low: one order per supplier, ordered three days
        // before and received in full at 8:00, at the list cost drifting up to 6 % over the
        // year; the average cost follows by the ledger's own rule (the day's one `record`
        // below applies the same).
        const low = products.filter((p) => p.quantity.lessThan(10));
        const receivedAt = notAfterNow(zonedInstant(day, tenant.timeZone, 8 * 60));
        const orderedAt = new Date(receivedAt.getTime() - 3 * 86_400_000);
        const drift = 1 + (0.06 * dayIndex) / Math.max(1, options.days) + (rnd.next() - 0.5) * 0.04;
        const suppliers = [...new Set(low.map((p) => p.supplierId))];
        const numberOf = new Map(suppliers.map((id) => [id, ++orderNumber]));
        const orders = suppliers.length
          ? await tx.purchaseOrder.createManyAndReturn({
              data: suppliers.map((supplierId) => ({
                tenantId,
                number: numberOf.get(supplierId)!,
                supplierId,
                status: 'received' as const,
                orderedAt,
                createdById: owner?.id ?? null,
                createdAt: orderedAt,
                updatedAt: receivedAt,
              })),
              select: { id: true, supplierId: true, number: true },
            })
          : [];
        const orderOf = new Map(orders.map((o) => [o.supplierId, o]));
        const numberOfOrder = new Map(orders.map((o) => [o.id, o.number]));
        const lineNo = new Map<number, number>();
        const orderLines = low.length
          ? await tx.purchaseOrderLine.createManyAndReturn({
              data: low.map((p) => {
                const quantity = new Decimal(p.restockTo).minus(p.quantity);
                const order = orderOf.get(p.supplierId)!;
                lineNo.set(order.id, (lineNo.get(order.id) ?? 0) + 1);
                return {
                  tenantId,
                  purchaseOrderId: order.id,
                  lineNo: lineNo.get(order.id)!,
                  productId: p.id,
                  quantity,
                  receivedQuantity: quantity,
                  unitCost: p.listCost.mul(drift).toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
                };
              }),
              select: { id: true, productId: true, quantity: true, unitCost: true, purchaseOrderId: true },
            })
          : [];
        ordersCount += orders.length;
        const receiptLines = new Map<number, Array<Omit<Prisma.PurchaseReceiptLineCreateManyInput, 'receiptId' | 'tenantId'>>>();
        for (const line of orderLines) {
          const p = productById.get(line.productId)!;
          const costBefore = p.cost;
          const delivery: Movement = {
            productId: p.id,
            kind: 'purchase',
            quantity: line.quantity,
            unitCost: line.unitCost,
            purchaseOrderLineId: line.id,
            reason: `Purchase order #${numberOfOrder.get(line.purchaseOrderId)}`,
            userId: owner?.id ?? null,
            at: receivedAt,
          };
          p.cost = costAfter(p.quantity, p.cost, delivery);
          p.quantity = p.quantity.plus(line.quantity);
          movements.push(delivery);
          const rows = receiptLines.get(line.purchaseOrderId) ?? [];
          rows.push({
            purchaseOrderLineId: line.id,
            productId: p.id,
            quantity: line.quantity,
            unitCost: line.unitCost,
            lineTotal: line.quantity.mul(line.unitCost).toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
            costBefore,
            costAfter: p.cost,
          });
          receiptLines.set(line.purchaseOrderId, rows);
        }
        // Each delivery is a goods-received document, and what it cost is owed to the supplier.
        const totals = new Map(
          orders.map((o) => [o.id, receiptLines.get(o.id)!.reduce((t, l) => t.plus(l.lineTotal as Decimal), new Decimal(0))]),
        );
        const totalOf = (orderId: number) => totals.get(orderId)!;
        const receipts = orders.length
          ? await tx.purchaseReceipt.createManyAndReturn({
              data: orders.map((o) => ({
                tenantId,
                purchaseOrderId: o.id,
                supplierId: o.supplierId,
                receivedAt,
                total: totalOf(o.id),
                createdById: owner?.id ?? null,
              })),
              select: { id: true, purchaseOrderId: true },
            })
          : [];
        if (receipts.length)
          await tx.purchaseReceiptLine.createMany({
            data: receipts.flatMap((r) => receiptLines.get(r.purchaseOrderId)!.map((l) => ({ ...l, tenantId, receiptId: r.id }))),
          });
        const owedChange = new Map<number, Decimal>();
        const owe = (supplierId: number, amount: Decimal) =>
          owedChange.set(supplierId, (owedChange.get(supplierId) ?? new Decimal(0)).plus(amount));
        for (const o of orders) {
          owe(o.supplierId, totalOf(o.id));
          payables.push({
            supplierId: o.supplierId,
            total: totalOf(o.id),
            dueDay: addDays(day, termsOf.get(o.supplierId) ?? 30),
            orderNumber: o.number,
          });
        }
        const supplierPayments: Prisma.SupplierPaymentCreateManyInput[] = [];
        payables = payables.filter((d) => {
          if (d.dueDay > day) return true;
          supplierPayments.push({
            tenantId,
            supplierId: d.supplierId,
            amount: d.total,
            method: 'transfer',
            paidAt: notAfterNow(zonedInstant(day, tenant.timeZone, 10 * 60)),
            reference: `#${d.orderNumber}`,
            createdById: owner?.id ?? null,
          });
          owe(d.supplierId, d.total.neg());
          return false;
        });
        if (supplierPayments.length) await tx.supplierPayment.createMany({ data: supplierPayments });
        for (const [id, change] of owedChange)
          if (!change.isZero()) await tx.supplier.update({ where: { id }, data: { owed: { increment: change } } });
        const sales: Prisma.SaleCreateManyInput[] = [];
        const lines: Array<{ number: number; rows: Omit<Prisma.SaleLineCreateManyInput, 'saleId' | 'tenantId'>[] }> = [];
        const onAccount: Array<{ number: number; customerId: number; total: Decimal }> = [];
        const walkIn: Array<{ number: number; total: Decimal; soldAt: Date; customerId: number | null }> = [];
        const profit: ProfitRow[] = [];
        for (let s = 0; s < count; s++) {
          const soldAt = new Date(opensAt.getTime() + Math.floor(((s + rnd.next()) / Math.max(count, 1)) * openMinutes) * 60_000);
          const picked = new Set<SeedProduct>();
          const lineCount = rnd.int(1, 4);
          while (picked.size < lineCount) picked.add(rnd.pick(products));
          const lineInputs = [...picked]
            .map((p) => {
              const quantity = Decimal.min(new Decimal(rnd.int(1, 5)), p.quantity);
              return {
                product: p,
                quantity,
                unitPrice: p.price,
                discountPct: rnd.next() < 0.15 ? new Decimal(rnd.pick([5, 10, 15])) : new Decimal(0),
                taxRate: p.taxRate,
              };
            })
            .filter((l) => l.quantity.greaterThan(0));
          if (!lineInputs.length) continue;
          const totals = saleTotals(lineInputs);
          const number = ++saleNumber;
          const customerId = rnd.next() < 0.45 ? rnd.pick(customers).id : null;
          sales.push({
            tenantId,
            number,
            customerId,
            status: 'confirmed',
            soldAt,
            subtotal: totals.subtotal,
            discountTotal: totals.discountTotal,
            taxTotal: totals.taxTotal,
            total: totals.total,
            createdById: owner?.id ?? null,
            createdAt: soldAt,
          });
          const rows = lineInputs.map((l, i) => ({
            lineNo: i + 1,
            productId: l.product.id,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            discountPct: l.discountPct,
            taxRate: l.taxRate,
            lineSubtotal: totals.lines[i]!.subtotal,
            lineTax: totals.lines[i]!.tax,
            lineTotal: totals.lines[i]!.total,
            unitCost: l.product.cost,
            lineCost: lineCost(l.quantity, l.product.cost),
          }));
          lines.push({ number, rows });
          profit.push(
            ...profitRows(
              day,
              customerId,
              rows.map((r) => ({ productId: r.productId, revenue: r.lineSubtotal, cost: r.lineCost, quantity: r.quantity })),
            ),
          );
          for (const l of lineInputs) l.product.quantity = l.product.quantity.minus(l.quantity);
          addBalance(customerId ?? 0, totals.total, new Decimal(0));
          if (customerId && rnd.next() < 0.6) onAccount.push({ number, customerId, total: totals.total });
          else walkIn.push({ number, total: totals.total, soldAt, customerId });
        }
        const createdSales = sales.length
          ? await tx.sale.createManyAndReturn({ data: sales, select: { id: true, number: true, soldAt: true } })
          : [];
        const idByNumber = new Map(createdSales.map((s) => [s.number, s]));
        await tx.saleLine.createMany({
          data: lines.flatMap((l) => l.rows.map((r) => ({ ...r, tenantId, saleId: idByNumber.get(l.number)!.id }))),
        });
        for (const l of lines) {
          const sale = idByNumber.get(l.number)!;
          for (const r of l.rows)
            movements.push({
              productId: r.productId,
              kind: 'sale',
              quantity: new Decimal(r.quantity as Decimal).neg(),
              saleId: sale.id,
              userId: owner?.id ?? null,
              at: sale.soldAt,
            });
        }
        // Through the ledger, like every change of stock; the plan above never sells what is not there.
        const { short, costs } = await record(tx, tenantId, movements);
        if (short.length) throw new Error(`demo seed planned more than on hand for products ${short.join(', ')}`);
        for (const p of low)
          if (!costs.get(p.id)!.equals(p.cost)) throw new Error(`demo seed followed the cost of product ${p.id} wrongly`);

        const payments: Prisma.PaymentCreateManyInput[] = [];
        const paid = new Map<number, Decimal>();
        for (const w of walkIn) {
          const sale = idByNumber.get(w.number)!;
          payments.push({
            tenantId,
            amount: w.total,
            method: rnd.pick(['cash', 'card'] as const),
            paidAt: w.soldAt,
            saleId: sale.id,
            customerId: w.customerId,
            createdById: owner?.id ?? null,
          });
          paid.set(sale.id, w.total);
          addBalance(w.customerId ?? 0, new Decimal(0), w.total);
        }
        for (const a of onAccount)
          receivables.push({
            saleId: idByNumber.get(a.number)!.id,
            customerId: a.customerId,
            open: a.total,
            dueDay: addDays(day, rnd.int(3, 30)),
          });
        const stillOpen: typeof receivables = [];
        for (const r of receivables) {
          if (r.dueDay > day || r.dueDay > until) {
            stillOpen.push(r);
            continue;
          }
          const amount = rnd.next() < 0.3 ? r.open.div(2).toDecimalPlaces(2, Decimal.ROUND_DOWN) : r.open;
          if (amount.lessThanOrEqualTo(0)) continue;
          const method = rnd.pick(methods);
          payments.push({
            tenantId,
            amount,
            method,
            customMethodId: method === 'other' ? ownMethodId : null,
            paidAt: notAfterNow(zonedInstant(day, tenant.timeZone, 11 * 60 + rnd.int(0, 300))),
            saleId: r.saleId,
            customerId: r.customerId,
            createdById: owner?.id ?? null,
          });
          paid.set(r.saleId, (paid.get(r.saleId) ?? new Decimal(0)).plus(amount));
          addBalance(r.customerId, new Decimal(0), amount);
          const open = r.open.minus(amount);
          if (open.greaterThan(0)) stillOpen.push({ ...r, open, dueDay: addDays(day, rnd.int(5, 20)) });
        }
        receivables = stillOpen;
        if (payments.length) await tx.payment.createMany({ data: payments });
        for (const [saleId, amount] of paid) await tx.sale.update({ where: { id: saleId }, data: { paidTotal: { increment: amount } } });
        await tx.tenant.update({ where: { id: tenantId }, data: { lastSaleNumber: saleNumber, lastPurchaseOrderNumber: orderNumber } });
        await addToProfitDays(tx, tenantId, profit);
        await addToBalanceDays(
          tx,
          tenantId,
          [...balance].map(([customerKey, b]) => ({ customerKey, day, sales: b.sales, payments: b.payments })),
        );
        salesCount += createdSales.length;
        paymentsCount += payments.length;
      },
      { timeout: 60_000 },
    );
    options.onProgress?.(dayIndex + 1, options.days, salesCount);
    // The embedded database answers in this thread without I/O, so an unbroken chain of its
    // promises would keep the server from accepting a connection until the whole year is written.
    await nextTurn();
  }

  return {
    categories: categoryCount,
    units: units.length,
    products: products.length,
    customers: customers.length,
    suppliers: supplierIdOf.size,
    purchaseOrders: ordersCount,
    sales: salesCount,
    payments: paymentsCount,
  };
}
