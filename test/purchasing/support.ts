import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createCacheService } from '../../src/cache/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { Scope } from '../../src/db/scope.ts';
import { forTenant } from '../../src/db/tenant-scope.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { createLogger } from '../../src/logger.ts';
import { createPurchasing } from '../../src/purchasing/index.ts';
import { averageFromLedger } from '../../src/stock/index.ts';
import type { ShopWithServices } from '../sales/support.ts';

// The purchasing services over a shop of test/sales/support.ts, and the steps every
// purchasing test takes: a supplier, an ordered purchase, a receipt.

const silent = () => createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

/**
 * The purchasing services over a bare client (an in-process cache), for a test that writes
 * its data before the app starts (the browser journeys' prepare step); `close()` when done.
 */
export function purchasingOn(prisma: PrismaClient) {
  const logger = silent();
  const cache = createCacheService({
    config: loadConfig({ NODE_ENV: 'test' }).cache,
    redis: undefined,
    prisma,
    logger,
    metrics: new Registry(),
  });
  const { router: _router, ...services } = createPurchasing({ transactions: { cache, logger } });
  const owner = async (tenantId: number): Promise<Scope> => {
    const user = await prisma.user.findFirstOrThrow({ where: { tenantId, role: 'owner' }, orderBy: { id: 'asc' } });
    return { tenantId, userId: user.id, role: 'owner', db: forTenant(prisma, tenantId) };
  };
  return { ...services, owner, close: () => cache.close() };
}

export function purchasingOf(shop: ShopWithServices) {
  const logger = silent();
  const { router: _router, ...services } = createPurchasing({ transactions: { cache: shop.cache, logger } });
  const manager = () => shop.actor('manager');

  async function supplier(name = 'Acme Wholesale', terms = '30') {
    return (await services.suppliers.create(manager(), { token: newFormToken(), name, paymentTermsDays: terms })).id;
  }

  /** A supplier's order of these lines, marked ordered; its lines. */
  async function orderedPurchase(lines: Array<{ productId: number; quantity: string; unitCost: string }>, supplierId?: number) {
    const supplier_ = supplierId ?? (await supplier());
    const order = await services.orders.create(manager(), { token: newFormToken(), supplierId: supplier_, lines });
    await services.orders.order(manager(), order.id);
    return { supplierId: supplier_, orderId: order.id, lines: (await services.orders.get(manager(), order.id)).lines };
  }

  /** Receives `quantity` of each given order line (by line number); the receipt's id. */
  async function receive(
    orderId: number,
    lines: Record<number, string | { quantity: string; unitCost?: string }>,
    extra: { confirmOver?: string; role?: 'owner' | 'manager' | 'staff' } = {},
  ) {
    const body = Object.fromEntries(Object.entries(lines).map(([no, v]) => [no, typeof v === 'string' ? { quantity: v } : v]));
    return (
      await services.receiving.receive(shop.actor(extra.role ?? 'staff'), orderId, {
        token: newFormToken(),
        lines: body,
        confirmOver: extra.confirmOver,
      })
    ).id;
  }

  /** A product's average cost recomputed from its ledger (decision 021). */
  async function recomputedCost(productId: number) {
    const movements = await shop.prisma.stockMovement.findMany({
      where: { productId },
      orderBy: { id: 'asc' },
      select: { kind: true, quantity: true, unitCost: true },
    });
    return averageFromLedger(movements);
  }

  return { ...services, supplier, orderedPurchase, receive, recomputedCost };
}
