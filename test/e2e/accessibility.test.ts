import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/settings/tenants.service.ts';
import { createUser } from '../../src/auth/users.service.ts';
import { seedDemoData } from '../../src/admin/demo-seed.service.ts';
import { hashRecoveryCode, newTotpSecret } from '../../src/auth/totp.ts';
import { addDays, localDay } from '../../src/time.ts';
import { newFormToken } from '../../src/db/form-submission.ts';
import { purchasingOn } from '../purchasing/support.ts';
import { newPage, screenshotOnFailure } from '../helpers/browser.ts';
import { seriousViolations, signInAs, startJourney, type Journey, type JourneyPrisma } from '../helpers/journey.ts';
import type { ServerProcess } from '../helpers/server.ts';

// Every page of the product, signed out and signed in, with some data: no serious or
// critical axe violations at desktop width, and no sideways scrolling on a phone.

const PASSWORD = 'journey-password-123';
const OWNER = 'owner@a11y.e2e.test';
const STAFF = 'staff@a11y.e2e.test';
const TWO_FACTOR = 'twofa@a11y.e2e.test';
const RECOVERY_CODE = 'abcde-fghjk';
const ZONE = 'Europe/Madrid';
const PHONE = { width: 390, height: 844 };

type Who = 'anon' | 'owner' | 'staff';
interface PageCase {
  name: string;
  path: string;
  as: Who;
  status?: number;
  /** The text the page must show (proves it is the page meant, not a redirect). */
  shows: string | RegExp;
}

describe('accessibility of every page', () => {
  let journey: Journey | undefined;
  let server: ServerProcess;
  let browser: Browser;
  /** What the paths' `:name` parts stand for, known once prepare() has run. */
  const params: Record<string, string | number> = {};
  const contexts: Partial<Record<`${Who}-${'desktop' | 'phone'}`, { context: BrowserContext; page: Page }>> = {};

  async function prepare(prisma: JourneyPrisma) {
    const { tenantId } = await createTenant(prisma, {
      name: 'Accessible Hardware',
      ownerEmail: OWNER,
      ownerPassword: PASSWORD,
      timeZone: ZONE,
      currency: 'EUR',
    });
    await createUser(prisma, tenantId, { email: STAFF, password: PASSWORD, role: 'staff', name: 'Sam Staff' });
    const twoFactor = await createUser(prisma, tenantId, {
      email: TWO_FACTOR,
      password: PASSWORD,
      role: 'manager',
      name: 'Tess Twofactor',
    });
    await prisma.user.update({
      where: { id: twoFactor.id },
      data: { totpEnabled: true, totpSecret: newTotpSecret(), recoveryCodeHashes: [hashRecoveryCode(RECOVERY_CODE)] },
    });
    const today = localDay(new Date(), ZONE);
    params.day = today;
    params.yearAgo = addDays(today, -364);
    params.weekAgo = addDays(today, -7);
    await seedDemoData(prisma, { tenantId, days: 14, products: 12, salesPerDay: 4, until: today });
    params.product = (await prisma.product.findFirstOrThrow({ where: { tenantId }, orderBy: { id: 'asc' } })).id;
    params.category = (await prisma.category.findFirstOrThrow({ where: { tenantId, parentId: { not: null } }, orderBy: { id: 'asc' } })).id;
    params.unit = (await prisma.unit.findFirstOrThrow({ where: { tenantId }, orderBy: { id: 'asc' } })).id;
    // A payment of a customer's sale: the sale, the payment and the customer pages all have something to show.
    const payment = await prisma.payment.findFirstOrThrow({
      where: { tenantId, saleId: { not: null }, customerId: { not: null } },
      orderBy: { id: 'desc' },
    });
    params.payment = payment.id;
    params.sale = payment.saleId!;
    params.customer = payment.customerId!;
    // Buying: a supplier with long details, a draft, an order partly received and paid in part.
    const buying = purchasingOn(prisma);
    try {
      const owner = await buying.owner(tenantId);
      const supplier = (
        await buying.suppliers.create(owner, {
          token: newFormToken(),
          name: 'Distribuidora Internacional de Ferretería y Bricolaje del Mediterráneo',
          contactName: 'Inmaculada Concepción Fernández-Villaverde',
          email: 'pedidos.ferreteria@distribuidora-internacional.example',
          address: 'Polígono Industrial Sur, nave 14\n46000 Valencia',
          taxId: 'B-46000000',
          paymentTermsDays: '30',
        })
      ).id;
      params.supplier = supplier;
      const products = await prisma.product.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, take: 3 });
      for (const p of products)
        await buying.productBuying.set(owner, p.id, { preferredSupplierId: String(supplier), supplierCode: `DIF-${p.sku}` });
      const lines = products.map((p) => ({ productId: p.id, quantity: '24', unitCost: '3.15' }));
      params.draft = (await buying.orders.create(owner, { token: newFormToken(), supplierId: supplier, lines })).id;
      const order = (await buying.orders.create(owner, { token: newFormToken(), supplierId: supplier, lines })).id;
      await buying.orders.order(owner, order);
      params.order = order;
      params.receipt = (
        await buying.receiving.receive(owner, order, { token: newFormToken(), lines: { 1: { quantity: '10' }, 2: { quantity: '24' } } })
      ).id;
      params.supplierPayment = (
        await buying.payments.register(owner, {
          token: newFormToken(),
          supplierId: supplier,
          amount: '20.00',
          method: 'transfer',
          reference: 'TRF-2026-000123',
        })
      ).id;
    } finally {
      await buying.close();
    }
    // Audit entries with long values: the audit page must wrap them on a phone.
    const owner = await prisma.user.findFirstOrThrow({ where: { tenantId, role: 'owner' } });
    await prisma.auditEntry.createMany({
      data: [
        {
          tenantId,
          userId: owner.id,
          kind: 'product_pricing',
          subject: 'Product A-VERY-LONG-SKU-WITHOUT-ANY-SPACES-0001',
          before: { price: '94.50', cost: '40.00' },
          after: { price: '9.99', cost: '5.00' },
        },
        {
          tenantId,
          userId: owner.id,
          kind: 'stock_correction',
          subject: 'Product MUG-1',
          before: { quantityOnHand: '12' },
          after: {
            quantityOnHand: '9',
            change: '-3',
            reason: 'Broken in transit between the warehouse and the shop, reported by the driver',
          },
        },
        {
          tenantId,
          userId: owner.id,
          kind: 'business_settings',
          subject: 'Business settings',
          before: { staffMaxDiscountPct: '0.00' },
          after: { staffMaxDiscountPct: '7.50' },
        },
      ],
    });
  }

  beforeAll(async () => {
    journey = await startJourney({ prefixLabel: 'e2e-a11y', prepare });
    ({ server, browser } = journey);
    for (const who of ['anon', 'owner', 'staff'] as const) {
      for (const size of ['desktop', 'phone'] as const) {
        const context = await browser.newContext({
          baseURL: server.baseUrl,
          ...(size === 'phone' && { viewport: PHONE, isMobile: true, hasTouch: true }),
        });
        const page = await context.newPage();
        if (who !== 'anon') await signInAs(page, who === 'owner' ? OWNER : STAFF, PASSWORD);
        contexts[`${who}-${size}`] = { context, page };
      }
    }
  }, 240_000);
  afterAll(async () => {
    for (const c of Object.values(contexts)) await c.context.close().catch(() => {});
    await journey?.close();
  });

  const pages: PageCase[] = [
    { name: 'sign-in', path: '/login', as: 'anon', shows: 'Sign in' },
    { name: 'forgot password', path: '/password/forgot', as: 'anon', shows: 'Forgot your password?' },
    {
      name: 'a password link already used',
      path: `/password/reset/${'x'.repeat(43)}`,
      as: 'anon',
      status: 410,
      shows: 'Ask for a new one',
    },
    { name: 'e-mail alerts', path: '/account/alerts', as: 'owner', shows: 'E-mail alerts' },
    { name: 'dashboard', path: '/', as: 'owner', shows: 'Dashboard' },
    { name: 'product list', path: '/catalog/products', as: 'owner', shows: 'Products' },
    { name: 'low-stock products', path: '/catalog/products?stock=low', as: 'owner', shows: 'Products' },
    { name: 'new product', path: '/catalog/products/new', as: 'owner', shows: 'New product' },
    { name: 'product', path: '/catalog/products/:product', as: 'owner', shows: 'Stock movements' },
    { name: 'edit product', path: '/catalog/products/:product/edit', as: 'owner', shows: 'Edit' },
    { name: 'product import', path: '/catalog/products/import', as: 'owner', shows: 'Import' },
    { name: 'business settings', path: '/settings/business', as: 'owner', shows: 'Business' },
    { name: 'payment methods', path: '/settings/payment-methods', as: 'owner', shows: 'Payment methods' },
    { name: 'category list', path: '/settings/categories', as: 'owner', shows: 'Categories' },
    { name: 'new category', path: '/settings/categories/new', as: 'owner', shows: 'New category' },
    { name: 'edit category', path: '/settings/categories/:category/edit', as: 'owner', shows: 'Edit' },
    { name: 'unit list', path: '/settings/uoms', as: 'owner', shows: 'Units' },
    { name: 'new unit', path: '/settings/uoms/new', as: 'owner', shows: 'New unit' },
    { name: 'edit unit', path: '/settings/uoms/:unit/edit', as: 'owner', shows: 'Edit' },
    { name: 'user management', path: '/settings/users', as: 'owner', shows: 'Invite a user' },
    { name: 'customer list', path: '/customers', as: 'owner', shows: 'Customers' },
    { name: 'new customer', path: '/customers/new', as: 'owner', shows: 'New customer' },
    { name: 'customer', path: '/customers/:customer', as: 'owner', shows: 'Open balance' },
    { name: 'edit customer', path: '/customers/:customer/edit', as: 'owner', shows: 'Edit' },
    { name: 'customer statement', path: '/customers/:customer/statement', as: 'owner', shows: 'Statement' },
    { name: 'sale list', path: '/sales', as: 'owner', shows: 'Sales' },
    { name: 'new sale', path: '/sales/new', as: 'owner', shows: 'Confirm sale' },
    { name: 'sale', path: '/sales/:sale', as: 'owner', shows: 'Sale #' },
    { name: 'sale receipt', path: '/sales/:sale/receipt', as: 'owner', shows: 'Receipt' },
    { name: 'sale receipt on 58 mm paper', path: '/sales/:sale/receipt?format=58mm', as: 'owner', shows: 'Receipt' },
    { name: 'sale receipt on A4', path: '/sales/:sale/receipt?format=a4', as: 'owner', shows: 'Tax by rate' },
    { name: 'label form', path: '/catalog/labels?product=:product', as: 'owner', shows: 'Make the label sheet' },
    { name: 'label form, searched', path: '/catalog/labels?q=a', as: 'staff', shows: 'Print labels' },
    { name: 'label sheet', path: '/catalog/labels/sheet?items=:product%3A3', as: 'staff', shows: 'Labels' },
    { name: 'payment list', path: '/payments', as: 'owner', shows: 'Payments' },
    { name: 'new payment', path: '/payments/new', as: 'owner', shows: 'Register payment' },
    { name: 'new payment for a sale', path: '/payments/new?sale=:sale', as: 'owner', shows: 'Register payment' },
    { name: 'payment', path: '/payments/:payment', as: 'owner', shows: 'Payment' },
    { name: 'return form', path: '/sales/:sale/returns/new', as: 'owner', shows: 'Record return' },
    { name: 'close the till', path: '/till', as: 'owner', shows: 'Expected in the drawer' },
    { name: 'till closes', path: '/till/closes', as: 'owner', shows: 'Till closes' },
    { name: "staff's till", path: '/till', as: 'staff', shows: 'Expected in the drawer' },
    { name: 'balance', path: '/balance', as: 'owner', shows: 'Balance' },
    { name: 'balance of one customer', path: '/balance?preset=last-30-days&customer=:customer', as: 'owner', shows: 'Balance' },
    {
      name: 'balance with a wrong range',
      path: '/balance?from=2026-02-10&to=2026-01-01',
      as: 'owner',
      status: 422,
      shows: 'not be before',
    },
    { name: 'balance detail', path: '/balance/detail?from=:day&to=:day&granularity=day', as: 'owner', shows: /\d{4}-\d{2}-\d{2}/ },
    { name: 'change password', path: '/account/password', as: 'owner', shows: 'Change' },
    { name: 'two-factor set-up', path: '/account/2fa', as: 'owner', shows: 'Two-factor sign-in' },
    { name: 'speed-up store (cache)', path: '/admin/cache', as: 'owner', shows: 'What is kept' },
    { name: 'clear a part of the speed-up store?', path: '/admin/cache/clear?module=uom', as: 'owner', shows: 'Yes, clear' },
    {
      name: 'balance of a year (shown by week)',
      path: '/balance?from=:yearAgo&to=:day&granularity=day',
      as: 'owner',
      shows: 'Shown by week',
    },
    { name: 'profit and stock value', path: '/profit', as: 'owner', shows: 'Gross profit' },
    {
      name: 'profit of a year (shown by week), stock value a week ago',
      path: '/profit?from=:yearAgo&to=:day&granularity=day&asOf=:weekAgo',
      as: 'owner',
      shows: 'Shown by week',
    },
    {
      name: 'profit with a wrong range and a stock day to come',
      path: '/profit?from=2026-02-10&to=2026-01-01&asOf=2999-01-01',
      as: 'owner',
      status: 422,
      shows: 'not be before',
    },
    { name: 'profit as staff (403)', path: '/profit', as: 'staff', status: 403, shows: 'Forbidden' },
    { name: 'audit log', path: '/settings/audit', as: 'owner', shows: 'Broken in transit' },
    {
      name: 'audit log with a wrong filter',
      path: '/settings/audit?from=2026-02-30&kind=stock_correction',
      as: 'owner',
      status: 400,
      shows: 'From must be a real date',
    },
    { name: "staff's dashboard", path: '/', as: 'staff', shows: 'Your sales today' },
    { name: 'product as staff (no cost)', path: '/catalog/products/:product', as: 'staff', shows: 'Stock movements' },
    {
      name: 'edit product as staff (price fixed)',
      path: '/catalog/products/:product/edit',
      as: 'staff',
      shows: 'only managers and owners change prices',
    },
    { name: 'purchase orders', path: '/purchasing/orders', as: 'owner', shows: 'Purchase orders' },
    { name: 'purchase orders, filtered', path: '/purchasing/orders?status=draft', as: 'owner', shows: 'Draft' },
    { name: 'new purchase order', path: '/purchasing/orders/new', as: 'owner', shows: 'Save draft' },
    { name: 'purchase order', path: '/purchasing/orders/:order', as: 'owner', shows: 'Receipts' },
    { name: 'edit a draft purchase order', path: '/purchasing/orders/:draft/edit', as: 'owner', shows: 'Save draft' },
    { name: 'cancel a purchase order?', path: '/purchasing/orders/:order/cancel', as: 'owner', shows: 'What will happen' },
    { name: 'printable purchase order', path: '/purchasing/orders/:order/print', as: 'owner', shows: 'Your code' },
    { name: 'receive goods', path: '/purchasing/orders/:order/receive', as: 'owner', shows: 'Receive more than ordered' },
    { name: 'goods received', path: '/purchasing/receipts/:receipt', as: 'owner', shows: 'Average cost after' },
    { name: 'suppliers', path: '/purchasing/suppliers', as: 'owner', shows: 'Owed to all suppliers' },
    { name: 'new supplier', path: '/purchasing/suppliers/new', as: 'owner', shows: 'Add supplier' },
    { name: 'supplier', path: '/purchasing/suppliers/:supplier', as: 'owner', shows: 'Pay this supplier' },
    { name: 'edit supplier', path: '/purchasing/suppliers/:supplier/edit', as: 'owner', shows: 'Edit supplier' },
    { name: 'supplier statement', path: '/purchasing/suppliers/:supplier/statement', as: 'owner', shows: 'Opening balance' },
    { name: 'supplier import', path: '/purchasing/suppliers/import', as: 'owner', shows: 'Import suppliers' },
    { name: 'payments to suppliers', path: '/purchasing/payments', as: 'owner', shows: 'Payments to suppliers' },
    { name: 'pay a supplier', path: '/purchasing/payments/new?supplier=:supplier', as: 'owner', shows: 'Record payment' },
    { name: 'payment to a supplier', path: '/purchasing/payments/:supplierPayment', as: 'owner', shows: 'Still owed' },
    { name: 'to reorder', path: '/purchasing/reorder', as: 'owner', shows: 'To reorder' },
    { name: "a product's buying details", path: '/purchasing/products/:product/buying', as: 'owner', shows: 'Preferred supplier' },
    { name: 'purchase orders as staff', path: '/purchasing/orders', as: 'staff', shows: 'Purchase orders' },
    { name: 'receive goods as staff', path: '/purchasing/orders/:order/receive', as: 'staff', shows: 'Received now' },
    { name: 'goods received as staff', path: '/purchasing/receipts/:receipt', as: 'staff', shows: 'What came in' },
    { name: 'not found (404)', path: '/no-such-page', as: 'owner', status: 404, shows: 'Page not found' },
    { name: 'not found, another id (404)', path: '/sales/999999', as: 'owner', status: 404, shows: 'not found' },
    { name: 'forbidden (403)', path: '/admin/cache', as: 'staff', status: 403, shows: 'Forbidden' },
    { name: 'staff dashboard', path: '/', as: 'staff', shows: 'Dashboard' },
  ];

  async function open(who: Who, size: 'desktop' | 'phone', path: string, status: number) {
    const { page } = contexts[`${who}-${size}`]!;
    const response = await page.goto(path);
    expect(response!.status(), `${path} answered ${response!.status()}`).toBe(status);
    return page;
  }

  const overflow = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth');
  const focused = (page: Page) => page.evaluate<string | null>('document.activeElement && document.activeElement.id');

  const resolve = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => String(params[name]));

  it.each(pages.map((p) => [p.name, p] as const))('%s', async (_name, c) => {
    const path = resolve(c.path);
    // The two widths in two contexts at once: the run is long enough as it is.
    const atDesktop = async () => {
      const page = await open(c.as, 'desktop', path, c.status ?? 200);
      screenshotOnFailure(page, '-desktop');
      expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
      expect(await page.textContent('main')).toMatch(c.shows);
      expect(await page.title()).toMatch(/^\S.* · Stock$/);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    };
    const onPhone = async () => {
      const page = await open(c.as, 'phone', path, c.status ?? 200);
      screenshotOnFailure(page, '-phone');
      expect(await overflow(page), `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(1);
    };
    await Promise.all([atDesktop(), onPhone()]);
  });

  it('two-factor sign-in, and the account page with two-factor on', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await page.goto('/login');
      await page.getByLabel('Email').fill(TWO_FACTOR);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/login/2fa');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('That code is not right');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Code').fill(RECOVERY_CODE);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto('/account/2fa');
      expect(await page.textContent('main')).toContain('Turn off');
      expect(await seriousViolations(page)).toEqual([]);
      await page.setViewportSize(PHONE);
      expect(await overflow(page)).toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  const forms = [
    { name: 'new product', path: '/catalog/products/new', button: 'Create product' },
    { name: 'new category', path: '/settings/categories/new', button: 'Create category' },
    { name: 'new unit', path: '/settings/uoms/new', button: 'Create unit' },
    { name: 'new customer', path: '/customers/new', button: 'Add customer' },
    { name: 'new sale', path: '/sales/new', button: 'Confirm sale' },
    { name: 'new payment', path: '/payments/new', button: 'Register payment' },
    { name: 'close the till', path: '/till', button: 'Close the till' },
    { name: 'user invitation', path: '/settings/users', button: 'Invite' },
    { name: 'change password', path: '/account/password', button: 'Change password' },
    { name: 'new supplier', path: '/purchasing/suppliers/new', button: 'Add supplier' },
    { name: 'new purchase order', path: '/purchasing/orders/new', button: 'Save draft' },
    { name: 'pay a supplier', path: '/purchasing/payments/new', button: 'Record payment' },
  ];

  it.each(forms.map((f) => [f.name, f] as const))('%s, sent back with errors', async (_name, f) => {
    for (const size of ['desktop', 'phone'] as const) {
      const { page } = contexts[`owner-${size}`]!;
      screenshotOnFailure(page, `-${size}`);
      await page.goto(f.path);
      // The form's own submission (the sale form's script also posts previews in the background).
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
        page.getByRole('button', { name: f.button, exact: true }).click(),
      ]);
      expect(response.status()).toBeGreaterThanOrEqual(400);
      await page.waitForLoadState();
      expect(await page.locator('[aria-invalid="true"], [role="alert"]').count(), `${f.path} shows no error`).toBeGreaterThan(0);
      // The focus is on the summary at the top of the form, not where the page left it.
      expect(await focused(page), `${f.path}: focus after the refusal`).toBe('error-summary');
      if (size === 'desktop') expect(await seriousViolations(page)).toEqual([]);
      else expect(await overflow(page), `${f.path} with errors scrolls sideways on a phone`).toBeLessThanOrEqual(1);
    }
  });

  it('on a phone, the menu opens from the keyboard, shows where the focus is, and passes axe', async () => {
    const { page } = contexts['owner-phone']!;
    screenshotOnFailure(page);
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    for (let i = 0; i < 5 && (await focused(page)) !== 'nav-toggle'; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('nav-toggle');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.nav-toggle-label')).outlineStyle")).not.toBe('none');
    await page.keyboard.press('Space');
    expect(await nav.isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Audit log' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(1);
  });

  it('on desktop, the keyboard goes from the skip link and the name straight into the menu (no invisible stop)', async () => {
    const { page } = contexts['owner-desktop']!;
    screenshotOnFailure(page);
    await page.goto('/');
    const stops: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(
          "document.activeElement ? (document.activeElement.textContent || '').trim() + '|' + document.activeElement.getBoundingClientRect().width : ''",
        ),
      );
    }
    expect(stops.map((s) => s.split('|')[0])).toEqual(['Skip to content', 'Stock', 'Dashboard']);
    for (const s of stops.slice(1)) expect(Number(s.split('|')[1])).toBeGreaterThan(1);
  });

  it('signed out, a page asks for sign-in and a wrong password says so', async () => {
    const { page } = contexts['anon-desktop']!;
    screenshotOnFailure(page);
    await page.goto('/catalog/products');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Email').fill(OWNER);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is incorrect.');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
