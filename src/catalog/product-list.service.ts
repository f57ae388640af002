import type { Prisma } from '../generated/prisma/client.ts';
import { keyOf, type CacheService, type MemoizeResult } from '../cache/index.ts';
import { subtreeIds, type CategoriesService } from '../settings/index.ts';
import type { ProductListQuery, ProductSort, StockFilter } from './products.schema.ts';
import { barcodeCodes, barcodeMatch } from './barcodes.ts';
import { normalizeSearch } from './search-text.ts';
import { stockState, type StockState } from './stock-state.ts';
import type { Scope } from '../db/scope.ts';

export const PAGE_SIZE = 25;

export interface ProductListRow {
  id: number;
  sku: string;
  name: string;
  barcodes: Array<{ code: string }>;
  category: string | null;
  unit: string;
  price: Prisma.Decimal;
  quantityOnHand: Prisma.Decimal;
  reorderLevel: Prisma.Decimal;
  state: StockState;
}

export interface ProductListPage {
  rows: ProductListRow[];
  page: number;
  pageCount: number;
  pageSize: number;
  /** Rows matching the search and category, per stock filter; `total` is the current filter's. */
  counts: Record<StockFilter, number>;
  total: number;
}

export interface NormalizedListQuery {
  q: string;
  category: number | undefined;
  stock: StockFilter;
  sort: ProductSort;
  page: number;
}

const ORDER: Record<ProductSort, Prisma.ProductOrderByWithRelationInput[]> = {
  name: [{ name: 'asc' }],
  '-name': [{ name: 'desc' }],
  sku: [{ sku: 'asc' }],
  '-sku': [{ sku: 'desc' }],
  price: [{ price: 'asc' }],
  '-price': [{ price: 'desc' }],
  stock: [{ quantityOnHand: 'asc' }],
  '-stock': [{ quantityOnHand: 'desc' }],
  '-updated': [{ updatedAt: 'desc' }],
};

/** `%`, `_` and `\` are LIKE wildcards; a search for "50%" means the text. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The list of active products: search, category (with its subcategories), stock filter, sort, page; cached per normalized query. */
export class ProductListService {
  constructor(private readonly deps: { cache: CacheService; categories: CategoriesService }) {}

  normalize(query: ProductListQuery): NormalizedListQuery {
    return { q: normalizeSearch(query.q), category: query.category, stock: query.stock, sort: query.sort, page: query.page };
  }

  /** The cache key of a normalized query, e.g. `list:mug:7:low:name:1`. */
  cacheKey(n: NormalizedListQuery): string {
    return keyOf('list', n.q, n.category ?? 'all', n.stock, n.sort, n.page);
  }

  list(ctx: Scope, query: ProductListQuery): Promise<MemoizeResult<ProductListPage>> {
    const n = this.normalize(query);
    return this.deps.cache.module('products').memoize(ctx.tenantId, this.cacheKey(n), () => this.load(ctx, n));
  }

  /** The same filters as the list, for the CSV export (no paging). */
  async where(ctx: Scope, n: Omit<NormalizedListQuery, 'page' | 'sort'>): Promise<Prisma.ProductWhereInput> {
    const where: Prisma.ProductWhereInput = { active: true };
    // A scanned code finds its product too (barcodes match whole, as scanned).
    if (n.q) where.OR = [{ searchText: { contains: likeEscape(n.q) } }, barcodeMatch(n.q)];
    if (n.category !== undefined) {
      const { value: tree } = await this.deps.categories.tree(ctx);
      where.categoryId = { in: [...subtreeIds(tree, n.category)] };
    }
    return { AND: [where, this.stockWhere(ctx, n.stock)] };
  }

  private stockWhere(ctx: Scope, stock: StockFilter): Prisma.ProductWhereInput {
    if (stock === 'low') return { quantityOnHand: { lte: ctx.db.product.fields.reorderLevel } };
    if (stock === 'out') return { quantityOnHand: { lte: 0 } };
    return {};
  }

  private async load(ctx: Scope, n: NormalizedListQuery): Promise<ProductListPage> {
    const base = await this.where(ctx, { ...n, stock: 'all' });
    const [all, low, out] = await Promise.all([
      ctx.db.product.count({ where: base }),
      ctx.db.product.count({ where: { AND: [base, this.stockWhere(ctx, 'low')] } }),
      ctx.db.product.count({ where: { AND: [base, this.stockWhere(ctx, 'out')] } }),
    ]);
    const counts = { all, low, out };
    const total = counts[n.stock];
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const page = Math.min(n.page, pageCount);
    const products = total
      ? await ctx.db.product.findMany({
          where: { AND: [base, this.stockWhere(ctx, n.stock)] },
          orderBy: [...ORDER[n.sort], { id: 'asc' }],
          skip: (page - 1) * PAGE_SIZE,
          take: PAGE_SIZE,
          select: {
            id: true,
            sku: true,
            name: true,
            barcodes: barcodeCodes,
            price: true,
            quantityOnHand: true,
            reorderLevel: true,
            category: { select: { name: true } },
            unit: { select: { code: true } },
          },
        })
      : [];
    const rows = products.map(({ category, unit, ...p }) => ({
      ...p,
      category: category?.name ?? null,
      unit: unit.code,
      state: stockState(p.quantityOnHand, p.reorderLevel),
    }));
    return { rows, page, pageCount, pageSize: PAGE_SIZE, counts, total };
  }
}
