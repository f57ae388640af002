import { Router } from 'express';
import type { Core } from '../core.ts';
import { PURCHASING_EVENTS } from './cache-events.ts';
import { ordersRouter } from './orders.router.ts';
import { PurchaseOrdersService } from './orders.service.ts';
import { ProductBuyingService } from './product-buying.service.ts';
import { ReceivingService } from './receiving.service.ts';
import { reorderRouter } from './reorder.router.ts';
import { ReorderService } from './reorder.service.ts';
import { SupplierCsvService } from './supplier-csv.service.ts';
import { supplierPaymentsRouter } from './supplier-payments.router.ts';
import { SupplierPaymentsService } from './supplier-payments.service.ts';
import { suppliersRouter } from './suppliers.router.ts';
import { SuppliersService } from './suppliers.service.ts';

// Buying stock: suppliers, purchase orders, receiving at cost (through the stock ledger), what
// is owed to suppliers and their payments, and the reorder list.

export { PurchaseOrdersService } from './orders.service.ts';
export { SuppliersService } from './suppliers.service.ts';
export { supplierImportUpload } from './suppliers.router.ts';
export { supplierStatement } from './supplier-statement.ts';

export interface PurchasingServices {
  suppliers: SuppliersService;
  supplierCsv: SupplierCsvService;
  productBuying: ProductBuyingService;
  orders: PurchaseOrdersService;
  receiving: ReceivingService;
  payments: SupplierPaymentsService;
  reorder: ReorderService;
}

/** Built once at start-up (src/container.ts); declares purchasing's cache events. */
export function createPurchasing(core: Pick<Core, 'transactions'>): PurchasingServices & { router: Router } {
  const deps = core.transactions;
  deps.cache.declareEvents(PURCHASING_EVENTS);
  const services: PurchasingServices = {
    suppliers: new SuppliersService(deps),
    supplierCsv: new SupplierCsvService(deps),
    productBuying: new ProductBuyingService(deps),
    orders: new PurchaseOrdersService(deps),
    receiving: new ReceivingService(deps),
    payments: new SupplierPaymentsService(deps),
    reorder: new ReorderService(deps),
  };
  return { ...services, router: purchasingRouter(services) };
}

/** Every /purchasing page; mounted after the sign-in guard. */
function purchasingRouter(services: PurchasingServices): Router {
  const router = Router();
  router.use(suppliersRouter(services));
  router.use(ordersRouter(services));
  router.use(supplierPaymentsRouter(services));
  router.use(reorderRouter(services));
  router.get('/purchasing', (_req, res) => res.redirect(302, '/purchasing/orders'));
  return router;
}
