import type { TenantDb } from '../db/tenant-scope.ts';

// The dashboard's own reads (the month's balance figures come from the balance service).

export async function lowStockProducts(db: TenantDb, limit = 10) {
  const where = { active: true, quantityOnHand: { lte: db.product.fields.reorderLevel } };
  const [count, products] = await Promise.all([
    db.product.count({ where }),
    db.product.findMany({
      where,
      orderBy: [{ quantityOnHand: 'asc' }, { name: 'asc' }],
      take: limit,
      select: { id: true, sku: true, name: true, quantityOnHand: true, reorderLevel: true, unit: { select: { code: true } } },
    }),
  ]);
  return { count, products };
}

export function recentSales(db: TenantDb, limit = 10) {
  return db.sale.findMany({
    orderBy: [{ soldAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { id: true, number: true, soldAt: true, status: true, total: true, paidTotal: true, customer: { select: { id: true, name: true } } },
  });
}
