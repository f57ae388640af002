import type { TransactionDeps } from '../core.ts';
import type { Created } from '../db/transactions.ts';
import type { Scope } from '../db/scope.ts';
import { keyOf, type MemoizeResult, type ModuleCache } from '../cache/index.ts';
import { listPayments, paymentDetail, type PaymentFilters } from './payments.queries.ts';
import { registerPayment } from './register-payment.ts';

export class PaymentsService {
  /** The payments list's pages (CACHE_PAYMENTS_LIST_TTL), invalidated after commit by the events that change them. */
  private readonly listCache: ModuleCache<'payments-list'>;

  constructor(private readonly deps: TransactionDeps) {
    this.listCache = deps.cache.module('payments-list');
  }

  register(actor: Scope, input: unknown): Promise<Created> {
    return registerPayment(this.deps, actor, input);
  }

  /** A page of the payments list; everyone who may see it sees every payment, so the key is the query alone. */
  list({ db, tenantId }: Scope, timeZone: string, f: PaymentFilters): Promise<MemoizeResult<Awaited<ReturnType<typeof listPayments>>>> {
    const page = Math.max(1, f.page ?? 1);
    const key = keyOf('list', timeZone, f.from, f.to, f.customerId, f.method, page);
    return this.listCache.memoize(tenantId, key, () => listPayments(db, timeZone, { ...f, page }));
  }

  detail({ db }: Scope, id: number) {
    return paymentDetail(db, id);
  }
}
