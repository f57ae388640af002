import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.service.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { newPage } from '../helpers/browser.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seriousViolations, signInAs, startJourney, type Journey } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// A manager sets up the catalog in the browser: a unit, a category, two products; finds
// them; edits a price and adjusts stock; imports a CSV (a bad line first); exports.

const MANAGER = { email: 'manager@catalog.e2e.test', password: 'manager-password-123' };

describe('setting up the catalog', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let tenantId: number;

  beforeAll(async () => {
    journey = await startJourney({
      prefixLabel: 'e2e-cat',
      prepare: async (prisma) => {
        const tenant = await createTenant(prisma, {
          name: 'Corner Coffee',
          ownerEmail: 'owner@catalog.e2e.test',
          ownerPassword: 'owner-password-123',
        });
        tenantId = tenant.tenantId;
        await createUser(prisma, tenantId, { email: MANAGER.email, password: MANAGER.password, role: 'manager', name: 'Maria Manager' });
      },
    });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const productCount = () => database.db.prisma.product.count({ where: { tenantId } });
  const rowsText = async (page: Page) =>
    (await page.locator('#products-table tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('a manager creates a unit, a category and two products, finds, edits, adjusts, imports and exports', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await signInAs(page, MANAGER.email, MANAGER.password);

      // A unit of measure.
      await page.goto('/settings/uoms');
      await page.getByRole('link', { name: 'New unit' }).click();
      await page.getByLabel('Code').fill('kg');
      await page.getByLabel('Name').fill('Kilogram');
      await page.getByRole('button', { name: 'Create unit' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Unit “kg” created.');
      expect(await page.locator('#units-table').innerText()).toContain('Kilogram');

      // A category.
      await page.goto('/settings/categories');
      await page.getByRole('link', { name: 'New category' }).click();
      await page.getByLabel('Name').fill('Coffee');
      await page.getByRole('button', { name: 'Create category' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Category “Coffee” created.');

      // Two products; the second is at its reorder level.
      await page.goto('/catalog/products');
      expect(await seriousViolations(page)).toEqual([]);
      for (const p of [
        { sku: 'COF-1', name: 'Café Tostado', category: 'Coffee', price: '12.50', reorder: '5', opening: '20' },
        { sku: 'TEA-1', name: 'Green tea', category: '— No category —', price: '4.00', reorder: '10', opening: '3' },
      ]) {
        await page.goto('/catalog/products');
        await page.getByRole('link', { name: 'New product' }).click();
        await page.getByLabel('SKU').fill(p.sku);
        await page.getByLabel('Name', { exact: true }).fill(p.name);
        await page.getByLabel('Category').selectOption({ label: p.category });
        await page.getByLabel('Unit of measure').selectOption({ label: 'kg · Kilogram' });
        await page.getByLabel('Price (USD)').fill(p.price);
        await page.getByLabel('Reorder level').fill(p.reorder);
        await page.getByLabel('Opening stock').fill(p.opening);
        await page.getByRole('button', { name: 'Create product' }).click();
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(p.name);
      }
      expect(await seriousViolations(page)).toEqual([]);

      // Search, case- and accent-insensitive.
      await page.goto('/catalog/products');
      await page.getByLabel('Search').fill('CAFE');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => rowsText(page)).toEqual(['COF-1 Café Tostado Coffee $12.50 20 kg']);

      // Low stock.
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Stock').selectOption('low');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => rowsText(page)).toEqual(['TEA-1 Green tea — $4.00 3 kg low']);

      // Edit a price and see it on the list at once.
      await page.getByRole('link', { name: 'Green tea' }).click();
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.getByLabel('Price (USD)').fill('4.75');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Product saved.');
      await page.getByRole('link', { name: 'Products' }).first().click();
      await expect.poll(() => rowsText(page)).toContain('TEA-1 Green tea — $4.75 3 kg low');

      // Adjust stock and see the movement.
      await page.getByRole('link', { name: 'Green tea' }).click();
      await page.getByLabel('Receipt (goods in)').check();
      await page.getByLabel('Quantity').fill('10');
      await page.getByLabel('Reason').fill('Delivery #42');
      await page.getByRole('button', { name: 'Record' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('13 on hand now');
      const movements = (await page.locator('#movements-table tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      expect(movements[0]).toContain('Receipt +10 Delivery #42 Maria Manager');
      expect(movements[1]).toContain('Receipt +3 Opening stock');

      // Import a CSV with one bad line: its error is shown, nothing is written.
      const before = await productCount();
      await page.goto('/catalog/products');
      await page.getByRole('link', { name: 'Import CSV' }).click();
      const bad = 'sku,name,category,unit,price,quantity_on_hand\nBEAN-1,Beans 1kg,Coffee,kg,18.00,5\nMUG-1,Mug,Coffee,crate,7.5,2\n';
      await page.getByLabel('CSV text').fill(bad);
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect.poll(() => page.locator('#import-summary').textContent()).toContain('1 line has an error; nothing was imported');
      expect(await page.locator('#import-preview .row-error').innerText()).toContain('Unknown unit “crate”');
      expect(await productCount()).toBe(before);

      // Fix it (choosing the corrected file fills the text), preview, import.
      await page
        .getByLabel('CSV file')
        .setInputFiles({ name: 'fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(bad.replace(',crate,', ',kg,')) });
      await expect.poll(() => page.getByLabel('CSV text').inputValue()).toContain('MUG-1,Mug,Coffee,kg');
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect.poll(() => page.locator('#import-summary').textContent()).toContain('Ready: 2 new products and 0 updates');
      await page.getByRole('button', { name: 'Import 2 products' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Imported 2 products: 2 new, 0 updated.');
      expect(await productCount()).toBe(before + 2);
      expect(await rowsText(page)).toContain('MUG-1 Mug Coffee $7.50 2 kg');

      // Export.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
      const file = await readFile(await download.path(), 'utf8');
      // Exports start with a UTF-8 byte-order mark, so a spreadsheet reads the accents right.
      expect(file.startsWith('\ufeff')).toBe(true);
      const csv = file.slice(1);
      expect(csv.split('\n')[0]).toBe('sku,name,barcodes,category,unit,price,cost,tax_rate,reorder_level,quantity_on_hand');
      expect(csv).toContain('BEAN-1,Beans 1kg,,Coffee,kg,18.00,0.00,,0,5');
      expect(csv).toContain('TEA-1,Green tea,,,kg,4.75,0.00,,10,13');
    } finally {
      await context.close();
    }
  });

  it('the product list works on a phone', async () => {
    if ((await productCount()) === 0) {
      const unit = await database.db.prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } });
      await database.db.prisma.product.create({
        data: {
          tenantId,
          sku: 'PHONE-1',
          name: 'A product with a rather long name to wrap',
          searchText: 'phone-1 a product',
          unitId: unit.id,
          price: '1.00',
        },
      });
    }
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    try {
      await signInAs(page, MANAGER.email, MANAGER.password);
      for (const path of [
        '/catalog/products',
        '/catalog/products/new',
        '/settings/categories',
        '/settings/uoms',
        '/catalog/products/import',
      ]) {
        await page.goto(path);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
      }
      await page.goto('/catalog/products');
      await expect.poll(() => page.locator('#products-table td[data-label="Name"]').first().isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
