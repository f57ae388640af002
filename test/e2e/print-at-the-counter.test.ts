import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { RESULTS_DIR, newPage } from '../helpers/browser.ts';
import { decodeEan13 } from '../helpers/ean13.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import { mm, readPdf } from '../helpers/pdf.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Printing at the counter, in Debian's Chromium against the real server: the owner fills
// in the shop's legal details, a sale's 80 mm receipt is printed (print layout measured, a
// screenshot kept), its PDF invoice is downloaded and read, and a sheet of labels is made
// whose barcodes are read back from their bars.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@print.e2e.test';
const STAFF = 'staff@print.e2e.test';
const PHONE = { width: 390, height: 844 };
const CSS_PX_PER_MM = 96 / 25.4;

describe('printing at the counter', () => {
  let journey: Journey | undefined;
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  const ids: Record<string, number> = {};

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Counter Hardware',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      currency: 'EUR',
      defaultTaxRate: '21',
    });
    await createUser(
      prisma,
      tenantId,
      { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' },
      { mustChangePassword: false },
    );
    const unit = await prisma.unit.create({ data: { tenantId, code: 'pc', name: 'Piece' } });
    const product = async (sku: string, name: string, price: string, taxRate: string | null, barcode: string | null, onHand: number) => {
      const p = await prisma.product.create({
        data: {
          tenantId,
          sku,
          name,
          ...(barcode ? { barcodes: { create: [{ code: barcode }] } } : {}),
          searchText: `${sku} ${name}`.toLowerCase(),
          unitId: unit.id,
          price: new Prisma.Decimal(price),
          taxRate: taxRate === null ? null : new Prisma.Decimal(taxRate),
          quantityOnHand: new Prisma.Decimal(onHand),
        },
      });
      await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(onHand) } });
      return p.id;
    };
    ids.hammer = await product('CNT-HAM', 'Claw hammer', '19.99', null, '4006381333931', 6);
    ids.seeds = await product('CNT-SEED', 'Tomato seeds', '3.10', '10', null, 40);
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-print', prepare });
    ({ database, server, browser } = journey);
  });
  afterAll(async () => {
    await journey?.close();
  });

  const overflow = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth');

  /** A sale through the sale form's own fields (token and CSRF from the page), paid in cash. */
  async function sell(page: Page, lines: Array<[string, string]>): Promise<number> {
    await page.goto('/sales/new');
    const token = await page.locator('input[name="token"]').first().inputValue();
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const form: Record<string, string> = { _csrf: csrf, token, payNow: 'cash' };
    lines.forEach(([sku, quantity], i) => Object.assign(form, { [`lines[${i}][product]`]: sku, [`lines[${i}][quantity]`]: quantity }));
    const res = await page.request.post('/sales', { form, maxRedirects: 0 });
    expect(res.status()).toBe(303);
    return Number(res.headers().location!.split('/').pop());
  }

  it('the owner fills in the legal name, address and tax id printed on receipts', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, OWNER, PASSWORD);
      await page.goto('/settings/business');
      const block = page.getByRole('group', { name: 'On receipts and invoices' });
      await block.getByLabel(/Legal name/).fill('Counter Hardware Ltd');
      await block.getByLabel(/Address/).fill('1 High Street\nSpringfield SP1 2AB');
      await block.getByLabel(/Tax id/).fill('GB123456789');
      await block.getByLabel(/Email/).fill('not an email');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => page.locator('#email-error').textContent()).toBe('Enter a valid email address');
      expect(await block.getByLabel(/Legal name/).inputValue()).toBe('Counter Hardware Ltd');
      expect(await seriousViolations(page)).toEqual([]);
      await block.getByLabel(/Email/).fill('shop@counter.example');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Business settings saved');
      expect(await block.getByLabel(/Address/).inputValue()).toBe('1 High Street\nSpringfield SP1 2AB');
      expect(await seriousViolations(page)).toEqual([]);
      await page.setViewportSize(PHONE);
      expect(await overflow(page), 'business settings scroll sideways on a phone').toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  it('staff prints the 80 mm receipt: seller, tax by rate and totals; the Print button prints and is not printed', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      const saleId = await sell(page, [
        ['CNT-HAM', '2'],
        ['CNT-SEED', '3'],
      ]);
      ids.sale = saleId;
      await page.goto(`/sales/${saleId}`);
      await page.getByRole('link', { name: 'Printable receipt' }).click();
      await page.waitForURL((url) => url.pathname === `/sales/${saleId}/receipt`);
      const receipt = page.getByRole('article', { name: 'Receipt' });
      const shown = (await receipt.textContent())!.replace(/\s+/g, ' ');
      for (const s of [
        'Counter Hardware Ltd',
        '1 High Street',
        'Springfield SP1 2AB',
        'Tax id GB123456789',
        'shop@counter.example',
        'Claw hammer',
        'Tomato seeds',
      ])
        expect(shown).toContain(s);
      // 2 × 19.99 = 39.98 at 21 % → 8.40; 3 × 3.10 = 9.30 at 10 % → 0.93.
      const sale = await database.db.prisma.sale.findUniqueOrThrow({ where: { id: saleId } });
      expect(await receipt.locator('[data-total]').textContent()).toBe(`€${sale.total.toFixed(2)}`);
      expect(sale.total.toFixed(2)).toBe('58.61');
      expect(await receipt.locator('tr[data-tax-rate="21.00"] td').allTextContents()).toEqual(['€39.98', '€8.40', '€48.38']);
      expect(await receipt.locator('tr[data-tax-rate="10.00"] td').allTextContents()).toEqual(['€9.30', '€0.93', '€10.23']);
      expect(await seriousViolations(page)).toEqual([]);

      // The Print button (shown by the script) calls the browser's print.
      const print = page.getByRole('button', { name: 'Print' });
      expect(await print.isVisible()).toBe(true);
      await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; }');
      await print.click();
      expect(await page.evaluate('window.printed')).toBe(1);

      // Print layout: only the receipt, as wide as an 80 mm roll allows.
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.emulateMedia({ media: 'print' });
      expect(await print.isVisible()).toBe(false);
      expect(await page.locator('.topbar').isVisible()).toBe(false);
      const box = (await receipt.boundingBox())!;
      expect(box.width / CSS_PX_PER_MM).toBeLessThanOrEqual(80);
      expect(box.width / CSS_PX_PER_MM).toBeGreaterThanOrEqual(70);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'receipt-80mm-print.png'), fullPage: true });
      // Chromium's own print to PDF, at the page size the receipt's style asks for.
      const printed = await readPdf(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      expect(Math.round(mm(printed.sizes[0]!.width))).toBe(80);
      expect(printed.text).toContain('Counter Hardware Ltd');
      expect(printed.text).toContain('€58.61');
      expect(printed.text).not.toContain('Print');
      await page.emulateMedia({ media: 'screen' });
      await page.screenshot({ path: path.join(RESULTS_DIR, 'receipt-80mm-screen.png'), fullPage: true });
      await page.setViewportSize(PHONE);
      expect(await overflow(page), 'the receipt scrolls sideways on a phone').toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  it('staff downloads the PDF invoice: numbered, with the tax by rate and the totals of the sale', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto(`/sales/${ids.sale}/receipt`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Invoice (PDF)' }).click()]);
      expect(download.suggestedFilename()).toBe('invoice-1.pdf');
      const pdf = await readPdf(readFileSync(await download.path()));
      const sale = await database.db.prisma.sale.findUniqueOrThrow({ where: { id: ids.sale! } });
      expect(sale.invoiceNumber).toBe(1);
      expect(pdf.text).toContain('Invoice no. 1');
      expect(pdf.text).toContain('Counter Hardware Ltd');
      expect(pdf.text).toContain('Tax id: GB123456789');
      expect(pdf.text).toContain('Tax by rate Tax rate Net Tax Total 21% €39.98 €8.40 €48.38 10% €9.30 €0.93 €10.23');
      expect(pdf.text).toContain(
        `Subtotal (net) €${sale.subtotal.toFixed(2)} Tax €${sale.taxTotal.toFixed(2)} Total €${sale.total.toFixed(2)}`,
      );
      // The sale page now names its invoice; asking again gives the same number.
      await page.goto(`/sales/${ids.sale}`);
      expect(await page.getByRole('link', { name: 'Invoice no. 1 (PDF)' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('staff prints labels for a product: one per unit on hand by default, each with its price and a readable barcode', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await signInAs(page, STAFF, PASSWORD);
      await page.goto(`/catalog/products/${ids.hammer}`);
      await page.getByRole('link', { name: 'Print labels' }).click();
      await page.waitForURL((url) => url.pathname === '/catalog/labels');
      // 6 received, 2 sold: 4 on hand.
      const count = page.getByLabel('Labels of Claw hammer');
      expect(await count.inputValue()).toBe('4');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Add products').fill('CNT-SEED');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByLabel('Labels of Tomato seeds').fill('2');
      expect(await page.getByLabel('Labels of Claw hammer').inputValue()).toBe('4');
      await page.setViewportSize(PHONE);
      expect(await overflow(page), 'the label form scrolls sideways on a phone').toBeLessThanOrEqual(1);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('button', { name: 'Make the label sheet' }).click();
      await page.waitForURL((url) => url.pathname === '/catalog/labels/sheet');

      const barcodes = page.locator('.label svg.barcode');
      expect(await barcodes.count()).toBe(6);
      const codes = await barcodes.evaluateAll((svgs) => svgs.map((s) => [s.getAttribute('data-code'), s.getAttribute('data-symbology')]));
      expect(codes).toEqual([...Array(4).fill(['4006381333931', 'ean13']), ...Array(2).fill(['CNT-SEED', 'code128'])]);
      // Read the EAN-13 back from the bars drawn on the page.
      for (const svg of (await barcodes.evaluateAll((svgs) => svgs.map((s) => s.outerHTML))).slice(0, 4))
        expect(decodeEan13(svg)).toBe('4006381333931');
      expect(await page.locator('.label').first().textContent()).toMatch(/Claw hammer\s+€19\.99[\s\S]*4006381333931/);
      expect(await page.locator('.label').last().textContent()).toMatch(/Tomato seeds\s+€3\.10[\s\S]*CNT-SEED/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
      const label = (await page.locator('.label').first().boundingBox())!;
      expect(Math.round(label.width / CSS_PX_PER_MM)).toBe(70);
      expect(Math.round(label.height / CSS_PX_PER_MM)).toBe(37);
      const sheet = await readPdf(await page.pdf({ preferCSSPageSize: true }));
      expect([Math.round(mm(sheet.sizes[0]!.width)), Math.round(mm(sheet.sizes[0]!.height))]).toEqual([210, 297]);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'labels-print.png'), fullPage: true });
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(PHONE);
      expect(await overflow(page), 'the label sheet scrolls sideways on a phone').toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });
});
