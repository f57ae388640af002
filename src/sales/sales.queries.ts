import { Prisma } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import { barcodeMatch } from '../catalog/index.ts';
import { found } from '../db/errors.ts';
import { dayRange } from '../time.ts';
import { saleMoney } from './refunds.ts';
import type { SaleStatus } from '../generated/prisma/enums.ts';

export const SALES_PAGE_SIZE = 25;

export interface SaleFilters {
  from?: string;
  to?: string;
  customerId?: number;
  status?: SaleStatus;
  page?: number;
}

export async function listSales(db: TenantDb, timeZone: string, f: SaleFilters) {
  const where: Prisma.SaleWhereInput = {
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(dayRange(timeZone, f.from, f.to) ? { soldAt: dayRange(timeZone, f.from, f.to) } : {}),
  };
  const page = Math.max(1, f.page ?? 1);
  const [total, sales] = await Promise.all([
    db.sale.count({ where }),
    db.sale.findMany({
      where,
      orderBy: [{ soldAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * SALES_PAGE_SIZE,
      take: SALES_PAGE_SIZE,
      select: {
        id: true,
        number: true,
        soldAt: true,
        status: true,
        total: true,
        returnedTotal: true,
        paidTotal: true,
        refundedTotal: true,
        customer: { select: { id: true, name: true } },
      },
    }),
  ]);
  // open: what is still owed on each sale after returns and refunds (negative: a credit).
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / SALES_PAGE_SIZE)),
    sales: sales.map((s) => ({ ...s, open: saleMoney(s).open })),
  };
}

export async function saleDetail(db: TenantDb, id: number) {
  const sale = found(
    await db.sale.findFirst({
      where: { id },
      include: {
        customer: { select: { id: true, name: true, email: true, phone: true, address: true, taxId: true } },
        createdBy: { select: { email: true, name: true } },
        cancelledBy: { select: { email: true, name: true } },
        lines: {
          orderBy: { lineNo: 'asc' },
          include: { product: { select: { id: true, sku: true, name: true, unit: { select: { code: true } } } } },
        },
        payments: {
          orderBy: { paidAt: 'asc' },
          select: { id: true, amount: true, method: true, customMethod: { select: { name: true } }, paidAt: true, reference: true },
        },
        returns: {
          orderBy: { returnedAt: 'asc' },
          select: {
            id: true,
            returnedAt: true,
            total: true,
            settlement: true,
            createdBy: { select: { email: true, name: true } },
            lines: { select: { saleLineId: true, quantity: true } },
          },
        },
        refunds: { orderBy: { refundedAt: 'asc' }, select: { id: true, amount: true, method: true, refundedAt: true, returnId: true } },
      },
    }),
    'Sale',
  );
  // Open: what is still owed on the sale; negative when more was paid than it is now worth (a credit).
  const { worth, open } = saleMoney(sale);
  const returnable = sale.status === 'confirmed' ? sale.lines.filter((l) => l.quantity.greaterThan(l.returnedQuantity)) : [];
  return { ...sale, worth, open, returnable };
}

/** The product picker: active products whose SKU, name or barcode matches (JSON for the form's script). */
export async function searchProducts(db: TenantDb, q: string, limit = 20) {
  const text = q.trim();
  const rows = await db.product.findMany({
    where: {
      active: true,
      ...(text
        ? { OR: [{ sku: { startsWith: text, mode: 'insensitive' } }, { searchText: { contains: text.toLowerCase() } }, barcodeMatch(text)] }
        : {}),
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit,
    select: { id: true, sku: true, name: true, price: true, taxRate: true, quantityOnHand: true, unit: { select: { code: true } } },
  });
  return rows.map((p) => ({
    id: p.id,
    sku: p.sku,
    name: p.name,
    price: p.price.toFixed(2),
    taxRate: p.taxRate?.toFixed(2) ?? null,
    available: p.quantityOnHand.toFixed(),
    unit: p.unit.code,
  }));
}
