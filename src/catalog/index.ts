import { Router } from 'express';
import type { Core } from '../core.ts';
import type { SettingsServices } from '../settings/index.ts';
import { CATALOG_EVENTS } from './cache-events.ts';
import { ProductExportService } from './product-export.service.ts';
import { ProductImportService } from './product-import.service.ts';
import { ProductListService } from './product-list.service.ts';
import { ProductsService } from './products.service.ts';
import { productsRouter } from './products.router.ts';
import { StockService } from './stock.service.ts';

export { barcodeCodes, barcodeMatch } from './barcodes.ts';
export { productImportUpload } from './products.router.ts';
// The CSV conventions every import and export of the app follows.
export {
  conventionOf,
  detectConvention,
  csvParseRefusal,
  readNumberCell,
  type NumberCell,
  csvNumber,
  type CsvConvention,
} from './csv-convention.ts';
export { firstLineWiderThan, protectCell, unprotectCell } from './csv-cells.ts';
export { normalizeSearch, productSearchText } from './search-text.ts';

/** The catalog's services: products, their list, stock, import and export. */
export interface CatalogServices {
  products: ProductsService;
  productList: ProductListService;
  stock: StockService;
  productImport: ProductImportService;
  productExport: ProductExportService;
}

/** Built once at start-up (src/container.ts) on the business's settings (units and categories). */
export function createCatalog(core: Pick<Core, 'cache'>, settings: SettingsServices): CatalogServices & { router: Router } {
  const { cache } = core;
  cache.declareEvents(CATALOG_EVENTS);
  const { categories, uoms } = settings;
  const productList = new ProductListService({ cache, categories });
  const services: CatalogServices = {
    products: new ProductsService({ cache }),
    productList,
    stock: new StockService({ cache }),
    productImport: new ProductImportService({ cache, categories, uoms }),
    productExport: new ProductExportService({ list: productList }),
  };
  return { ...services, router: catalogRouter(services, settings) };
}

/** Products and stock; mounted after the sign-in guard. */
function catalogRouter(catalog: CatalogServices, settings: SettingsServices): Router {
  const router = Router();
  router.use('/catalog', (_req, res, next) => {
    res.locals.scripts = [...((res.locals.scripts as string[] | undefined) ?? []), '/js/catalog.js'];
    next();
  });
  router.use(productsRouter(catalog, settings));
  return router;
}
