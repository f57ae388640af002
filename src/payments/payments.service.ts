import type { TenantDb } from '../db/tenant-scope.ts';
import type { TransactionDeps } from '../core.ts';
import type { Actor } from '../auth/index.ts';
import type { Created } from '../db/transactions.ts';
import { listPayments, paymentDetail, type PaymentFilters } from './payments.queries.ts';
import { registerPayment } from './register-payment.ts';

export class PaymentsService {
  constructor(private readonly deps: TransactionDeps) {}

  register(actor: Actor, input: unknown): Promise<Created> {
    return registerPayment(this.deps, actor, input);
  }

  list(db: TenantDb, timeZone: string, filters: PaymentFilters) {
    return listPayments(db, timeZone, filters);
  }

  detail(db: TenantDb, id: number) {
    return paymentDetail(db, id);
  }
}
