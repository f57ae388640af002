import type { Router } from 'express';
import type { Core } from '../core.ts';
import { customersRouter, type CustomerLists } from './customers.router.ts';
import { CustomersService } from './customers.service.ts';
import { CUSTOMER_EVENTS } from './cache-events.ts';

export { CustomersService } from './customers.service.ts';
export { countOf, pickerView, type PickerView } from './customer-picker.ts';
export type { CustomerLists } from './customers.router.ts';
export { StatementRangeSchema } from './customers.schema.ts';

/**
 * Customers: their records, statements and page. Sales and payments build on this part, so
 * the page's lists of a customer's sales and payments are handed to `router` once those exist.
 */
export function createCustomers(core: Pick<Core, 'transactions'>): {
  customers: CustomersService;
  router(history: { sales: CustomerLists; payments: CustomerLists }): Router;
} {
  core.transactions.cache.declareEvents(CUSTOMER_EVENTS);
  const customers = new CustomersService(core.transactions);
  return { customers, router: (history) => customersRouter({ customers, ...history }) };
}
