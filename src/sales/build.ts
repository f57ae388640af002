import { Counter, type Registry } from 'prom-client';
import type { CacheService } from '../cache/index.ts';
import type { Logger } from '../logger.ts';
import { CustomersService } from '../customers/customers.service.ts';
import { PaymentsService } from '../payments/payments.service.ts';
import { PAYMENT_EVENTS } from '../payments/cache-events.ts';
import { TillService } from '../till/till.service.ts';
import { SALES_EVENTS } from './cache-events.ts';
import { SalesService } from './sales.service.ts';

export interface SalesServices {
  sales: SalesService;
  payments: PaymentsService;
  customers: CustomersService;
  till: TillService;
}

/** Builds the sales, payments, customers and till services (container.ts calls this once). */
export function buildSalesServices(deps: { cache: CacheService; logger: Logger; metrics?: Registry }): SalesServices {
  const retries = deps.metrics
    ? new Counter({
        name: 'stock_transaction_conflict_retries_total',
        help: 'Sale, payment and customer transactions retried after a deadlock or serialization failure',
        registers: [deps.metrics],
      })
    : undefined;
  deps.cache.declareEvents(SALES_EVENTS);
  deps.cache.declareEvents(PAYMENT_EVENTS);
  const tx = { cache: deps.cache, logger: deps.logger, onConflictRetry: () => retries?.inc() };
  return { sales: new SalesService(tx), payments: new PaymentsService(tx), customers: new CustomersService(tx), till: new TillService(tx) };
}
