import { cancelSale, type Cancelled } from './cancel-sale.ts';
import { confirmSale } from './confirm-sale.ts';
import { previewSale, type SalePreview } from './preview-sale.ts';
import { returnDetail } from './returns.queries.ts';
import { createReturn, type ReturnForm } from './returns.ts';
import { listSales, saleDetail, searchProducts, type SaleFilters } from './sales.queries.ts';
import type { TransactionDeps } from '../core.ts';
import type { Created } from '../db/transactions.ts';
import type { Scope } from '../db/scope.ts';
import { keyOf, type MemoizeResult, type ModuleCache } from '../cache/index.ts';

/** The sales rules behind one object, built once at start-up with its dependencies. */
export class SalesService {
  /** The sales list's pages (CACHE_SALES_LIST_TTL), invalidated after commit by the events of cache-events.ts. */
  private readonly listCache: ModuleCache<'sales-list'>;

  constructor(private readonly deps: TransactionDeps) {
    this.listCache = deps.cache.module('sales-list');
  }

  confirm(actor: Scope, input: unknown): Promise<Created> {
    return confirmSale(this.deps, actor, input);
  }

  /** The form's lines priced as confirming would price them; writes nothing. */
  preview(actor: Scope, body: Record<string, unknown>): Promise<SalePreview> {
    return previewSale(actor, body);
  }

  /** `input.settlement`: how money left on the sale goes back (cash, card, transfer or credit). */
  cancel(actor: Scope, saleId: number, input?: unknown): Promise<Cancelled> {
    return cancelSale(this.deps, actor, saleId, input);
  }

  return(actor: Scope, saleId: number, form: ReturnForm): Promise<Created> {
    return createReturn(this.deps, actor, saleId, form);
  }

  returnDetail({ db }: Scope, id: number) {
    return returnDetail(db, id);
  }

  /** A page of the sales list; every seller sees every sale, so the key is the query alone. */
  list({ db, tenantId }: Scope, timeZone: string, f: SaleFilters): Promise<MemoizeResult<Awaited<ReturnType<typeof listSales>>>> {
    const page = Math.max(1, f.page ?? 1);
    const key = keyOf('list', timeZone, f.from, f.to, f.customerId, f.status, page);
    return this.listCache.memoize(tenantId, key, () => listSales(db, timeZone, { ...f, page }));
  }

  detail({ db }: Scope, id: number) {
    return saleDetail(db, id);
  }

  searchProducts({ db }: Scope, q: string, limit?: number) {
    return searchProducts(db, q, limit);
  }
}
