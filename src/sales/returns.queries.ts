import type { TenantDb } from '../db/tenant-scope.ts';
import { found } from '../db/errors.ts';

/** A return with its lines, its sale and the refund it gave (the return receipt). */
export async function returnDetail(db: TenantDb, id: number) {
  return found(
    await db.return.findFirst({
      where: { id },
      include: {
        sale: {
          select: {
            id: true,
            number: true,
            soldAt: true,
            total: true,
            customer: { select: { id: true, name: true, taxId: true, address: true } },
          },
        },
        createdBy: { select: { email: true, name: true } },
        lines: {
          orderBy: { id: 'asc' },
          include: {
            saleLine: { select: { lineNo: true, unitPrice: true, discountPct: true, taxRate: true } },
            product: { select: { id: true, sku: true, name: true, unit: { select: { code: true } } } },
          },
        },
        refunds: { select: { id: true, amount: true, method: true, refundedAt: true } },
      },
    }),
    'Return',
  );
}
