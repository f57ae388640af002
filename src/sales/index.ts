import { Router } from 'express';
import type { Core } from '../core.ts';
import type { CustomersService } from '../customers/index.ts';
import { returnsRouter } from './returns.router.ts';
import { salesRouter } from './sales.router.ts';
import { SalesService } from './sales.service.ts';
import { SALES_EVENTS } from './cache-events.ts';

export { SalesService } from './sales.service.ts';
export { paymentMethods } from './sales.schema.ts';
export { saleMoney } from './refunds.ts';
export { lineCost, saleTotals } from './sale-totals.ts';
export { saleDetail } from './sales.queries.ts';
export { taxBreakdown, type TaxRateTotals } from './sale-totals.ts';
export { PaymentChoiceSchema, type PaymentChoice } from './sales.schema.ts';
export { methodLabel, methodChoices, METHOD_LABELS, type MethodChoice } from './method-labels.ts';

/** Sales: the sale form, confirmation, the list and detail pages, cancellations and returns. */
export function createSales(
  core: Pick<Core, 'transactions'>,
  parts: { customers: CustomersService },
): { sales: SalesService; router: Router } {
  core.transactions.cache.declareEvents(SALES_EVENTS);
  const sales = new SalesService(core.transactions);
  const router = Router();
  router.use(returnsRouter({ sales }));
  router.use(salesRouter({ sales, customers: parts.customers }));
  return { sales, router };
}
