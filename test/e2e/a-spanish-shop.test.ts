import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { RESULTS_DIR, newPage } from '../helpers/browser.ts';
import { seriousViolations, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// A shop in Spain, in Spanish from the sign-in page on: the switch before signing in, the
// business's number format set to Spain's, a new product priced with a decimal comma, a sale
// with a decimal-comma discount, the balance and its chart, a semicolon CSV imported and one
// exported; every page axe-clean, screenshots in test-results/.

const PASSWORD = 'journey-password-123';
const OWNER = 'lola@tienda.e2e.test';

describe('a shop in Spain works in Spanish', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Ferretería Lola',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      defaultTaxRate: '21',
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
    });
    await prisma.tenant.update({ where: { id: tenantId }, data: { language: 'es' } });
    await prisma.unit.create({ data: { tenantId, code: 'ud', name: 'Unidad' } });
  }

  beforeAll(async () => {
    journey = await startJourney({ prepare, prefixLabel: 'e2e-spanish' });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `spanish-${name}.png`), fullPage: true });
  const lang = (page: Page) => page.locator('html').getAttribute('lang');

  it('signs in, adds a product, sells it with a discount, reads the balance, imports and exports CSV', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      // Before signing in: the switch in the footer turns the sign-in page Spanish.
      await page.goto('/login');
      expect(await lang(page)).toBe('en');
      await page.getByLabel('Language').selectOption('es');
      await page.getByRole('button', { name: 'Change' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      expect(await lang(page)).toBe('es');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'sign-in');
      await page.getByLabel('Correo electrónico').fill(OWNER);
      await page.getByLabel('Contraseña').fill(PASSWORD);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      expect(await lang(page)).toBe('es');
      await expect.poll(() => page.getByRole('navigation', { name: 'Principal' }).textContent()).toContain('Productos');

      // Numbers and dates as Spain writes them: decimal comma from here on.
      await page.goto('/settings/business');
      await page.getByLabel('Formato de números y fechas').selectOption('es-ES');
      await page.getByRole('button', { name: 'Guardar ajustes' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/business');
      expect((await database.db.prisma.tenant.findFirstOrThrow({ where: { name: 'Ferretería Lola' } })).locale).toBe('es-ES');

      // A new product.
      await page.goto('/catalog/products/new');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Nuevo producto');
      await page.getByLabel('SKU').fill('MART-1');
      await page.getByLabel('Nombre').fill('Martillo de carpintero');
      await page.getByLabel('Unidad de medida').selectOption({ label: 'ud · Unidad' });
      await page.getByLabel('Precio (EUR)').fill('12,50');
      await page.getByLabel('Stock inicial').fill('10');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Crear producto' }).click();
      await page.waitForURL((url) => /^\/catalog\/products\/\d+$/.test(url.pathname));
      expect(await page.getByRole('status').first().textContent()).toBe('Producto creado.');
      await shot(page, 'product');
      const product = await database.db.prisma.product.findFirstOrThrow({ where: { sku: 'MART-1' } });
      expect(product.price.toFixed(2)).toBe('12.50');

      // Sell one with a discount, paid by card.
      await page.goto('/sales/new');
      await page.getByLabel('Producto de la línea 1', { exact: true }).fill('MART-1');
      await page.getByLabel('Descuento % de la línea 1', { exact: true }).fill('2,5');
      await page.getByLabel('Cobro').selectOption('card');
      expect(await page.locator('#sale-paynow option[value="card"]').textContent()).toBe('Pagado ahora: tarjeta');
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'sale-form');
      await page.getByRole('button', { name: /Confirmar la venta/ }).click();
      await page.waitForURL((url) => /^\/sales\/\d+$/.test(url.pathname));
      expect(await lang(page)).toBe('es');
      expect(await page.getByRole('status').first().textContent()).toBe('Venta registrada.');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'sale');
      const sale = await database.db.prisma.sale.findFirstOrThrow({ include: { lines: true } });
      expect(sale.lines[0]!.discountPct.toFixed(1)).toBe('2.5');

      // The balance and its chart, in Spanish.
      await page.goto('/balance');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Balance');
      expect(await page.getByTestId('sales-total').textContent()).not.toBe('');
      await page.waitForFunction(() =>
        Boolean((globalThis as unknown as { Chart?: { getChart(id: string): unknown } }).Chart?.getChart('balance-chart')),
      );
      const legend = await page.evaluate(() => {
        const chart = (
          globalThis as unknown as { Chart: { getChart(id: string): { data: { datasets: { label: string }[] } } } }
        ).Chart.getChart('balance-chart');
        return chart.data.datasets.map((d) => d.label);
      });
      expect(legend).toEqual(['Ventas (barras lisas)', 'Cobros (barras rayadas)', 'Saldo pendiente (línea)']);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'balance');

      // Import a semicolon CSV with decimal commas, as a Spanish spreadsheet saves it.
      await page.goto('/catalog/products/import');
      await page
        .getByLabel('Texto CSV')
        .fill('sku;name;unit;price;quantity_on_hand\nCLAV-1;Clavos 3 mm;ud;4,95;100\nMART-1;Martillo de carpintero;ud;12,50;10\n');
      await page.getByRole('button', { name: 'Vista previa' }).click();
      await expect.poll(() => page.locator('#import-summary').textContent()).toContain('Listo:');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'import-preview');
      await page.getByRole('button', { name: 'Importar 2 productos' }).click();
      await page.waitForURL((url) => url.pathname === '/catalog/products');
      expect(await page.getByRole('status').first().textContent()).toBe('Importados 2 productos: 1 nuevos, 1 actualizados.');
      const clavos = await database.db.prisma.product.findFirstOrThrow({ where: { sku: 'CLAV-1' } });
      expect(clavos.price.toFixed(2)).toBe('4.95');

      // Export: the business's convention, with a byte-order mark.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exportar CSV' }).click()]);
      const bytes = readFileSync(await download.path());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      expect(text.split('\n')[0]).toBe('sku;name;barcodes;category;unit;price;cost;tax_rate;reorder_level;quantity_on_hand');
      expect(text).toContain('CLAV-1;Clavos 3 mm;;;ud;4,95;');
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'products');
    } finally {
      await context.close();
    }
  });
});
