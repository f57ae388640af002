import type { CacheService } from '../cache/index.ts';
import { SETTINGS_EVENTS } from '../settings/cache-events.ts';
import { BusinessService } from '../settings/business.service.ts';
import { CategoriesService } from '../settings/categories.service.ts';
import { UomsService } from '../settings/uoms.service.ts';
import { CATALOG_EVENTS } from './cache-events.ts';
import { ProductExportService } from './product-export.service.ts';
import { ProductImportService } from './product-import.service.ts';
import { ProductListService } from './product-list.service.ts';
import { ProductsService } from './products.service.ts';
import { StockService } from './stock.service.ts';

/** The catalog's and its settings' services, built once at start-up (src/container.ts). */
export interface CatalogServices {
  business: BusinessService;
  uoms: UomsService;
  categories: CategoriesService;
  products: ProductsService;
  productList: ProductListService;
  stock: StockService;
  productImport: ProductImportService;
  productExport: ProductExportService;
}

export function createCatalogServices(deps: { cache: CacheService }): CatalogServices {
  const { cache } = deps;
  cache.declareEvents(CATALOG_EVENTS);
  cache.declareEvents(SETTINGS_EVENTS);
  const uoms = new UomsService({ cache });
  const categories = new CategoriesService({ cache });
  const productList = new ProductListService({ cache, categories });
  return {
    business: new BusinessService({ cache }),
    uoms,
    categories,
    products: new ProductsService({ cache }),
    productList,
    stock: new StockService({ cache }),
    productImport: new ProductImportService({ cache, categories, uoms }),
    productExport: new ProductExportService({ list: productList }),
  };
}
