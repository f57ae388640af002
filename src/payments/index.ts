import type { Router } from 'express';
import type { Core } from '../core.ts';
import type { CustomersService } from '../customers/index.ts';
import type { SalesService } from '../sales/index.ts';
import { paymentsRouter } from './payments.router.ts';
import { PaymentsService } from './payments.service.ts';
import { PAYMENT_EVENTS } from './cache-events.ts';

export { PaymentsService } from './payments.service.ts';

/** Payments on account or against a sale: the form, the list and the detail page. */
export function createPayments(
  core: Pick<Core, 'transactions'>,
  parts: { sales: SalesService; customers: CustomersService },
): { payments: PaymentsService; router: Router } {
  core.transactions.cache.declareEvents(PAYMENT_EVENTS);
  const payments = new PaymentsService(core.transactions);
  return { payments, router: paymentsRouter({ payments, ...parts }) };
}
