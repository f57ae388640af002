import { cancelSale, type Cancelled } from './cancel-sale.ts';
import { confirmSale } from './confirm-sale.ts';
import { previewSale, type SalePreview } from './preview-sale.ts';
import { returnDetail } from './returns.queries.ts';
import { createReturn, type ReturnForm } from './returns.ts';
import { listSales, saleDetail, searchProducts, type SaleFilters } from './sales.queries.ts';
import type { TransactionDeps } from '../core.ts';
import type { Created } from '../db/transactions.ts';
import type { Scope } from '../db/scope.ts';

/** The sales rules behind one object, built once at start-up with its dependencies. */
export class SalesService {
  constructor(private readonly deps: TransactionDeps) {}

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

  list({ db }: Scope, timeZone: string, filters: SaleFilters) {
    return listSales(db, timeZone, filters);
  }

  detail({ db }: Scope, id: number) {
    return saleDetail(db, id);
  }

  searchProducts({ db }: Scope, q: string, limit?: number) {
    return searchProducts(db, q, limit);
  }
}
