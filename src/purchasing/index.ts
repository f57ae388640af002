import type { Core } from '../core.ts';
import { PURCHASING_EVENTS } from './cache-events.ts';
import { PurchaseOrdersService, SuppliersService } from './purchasing.service.ts';

// Buying stock: suppliers, purchase orders and receiving at cost (through the stock ledger).

export { PurchaseOrdersService, SuppliersService } from './purchasing.service.ts';

export interface PurchasingServices {
  suppliers: SuppliersService;
  orders: PurchaseOrdersService;
}

/** Built once at start-up (src/container.ts); declares purchasing's cache events. */
export function createPurchasing(core: Pick<Core, 'cache'>): PurchasingServices {
  core.cache.declareEvents(PURCHASING_EVENTS);
  return { suppliers: new SuppliersService(), orders: new PurchaseOrdersService({ cache: core.cache }) };
}
