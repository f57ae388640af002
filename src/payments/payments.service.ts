import type { TransactionDeps } from '../core.ts';
import type { Created } from '../db/transactions.ts';
import type { Scope } from '../db/scope.ts';
import { listPayments, paymentDetail, type PaymentFilters } from './payments.queries.ts';
import { registerPayment } from './register-payment.ts';

export class PaymentsService {
  constructor(private readonly deps: TransactionDeps) {}

  register(actor: Scope, input: unknown): Promise<Created> {
    return registerPayment(this.deps, actor, input);
  }

  list({ db }: Scope, timeZone: string, filters: PaymentFilters) {
    return listPayments(db, timeZone, filters);
  }

  detail({ db }: Scope, id: number) {
    return paymentDetail(db, id);
  }
}
