import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

const HOOK_TIMEOUT_MS = 180_000;

describe('admin', () => {
  describe('/admin/cache', () => {
    let t: TestApp;
    let business: TestTenant;
    let owner: TestClient;

    beforeAll(async () => {
      t = await startTestApp({ driver: 'postgresql', redis: true });
      business = await t.createTenantWithOwner();
      owner = await t.signIn(business.owner.email, business.owner.password);
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await t?.close();
    });

    // The words changed (no "breaker", "tier" or "warm"); what the page does did not.
    it('shows per-part counters and saved copies in plain words, reached from the business settings, not the main menu', async () => {
      await owner.get('/catalog/products');
      await owner.get('/catalog/products');
      const page = await owner.get('/admin/cache');
      expect(page.status).toBe(200);
      for (const part of ['Balance figures', 'Product list', 'Categories', 'Units']) expect(page.html).toContain(`Clear ${part}`);
      expect(page.html).toContain('data-testid="store-status">Working normally<');
      expect(page.html).toMatch(/Memory used/);
      const main = page.html.slice(page.html.indexOf('<main'), page.html.indexOf('</main>')).replace(/<[^>]*>/g, ' ');
      expect(main).not.toMatch(/\b(breaker|in-process|tier|warm|hit ratio|module)\b/i);
      const settings = await owner.get('/settings/business');
      expect(settings.html).toContain('href="/admin/cache">Speed-up store</a>');
      expect(settings.html).not.toMatch(/<nav[^]*href="\/admin\/cache"[^]*<\/nav>/);
    });

    it('clearing asks first; confirmed, the next read of that part is a MISS and the page says so', async () => {
      await owner.get('/catalog/products');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
      const ask = await owner.get('/admin/cache/clear?module=products');
      expect(ask.status).toBe(200);
      expect(ask.html).toContain('Clear Product list?');
      expect(ask.html).toMatch(/Yes, clear/);
      // Still kept: asking clears nothing.
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
      const cleared = await owner.post('/admin/cache/clear', { module: 'products', confirm: 'yes' });
      expect(cleared.status).toBe(303);
      const after = await owner.get('/admin/cache');
      expect(after.html).toMatch(/Cleared Product list \(\d+ saved cop(y|ies) removed\)/);
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('MISS');
    });

    it('a clear without the confirmation asks again and clears nothing', async () => {
      await owner.get('/catalog/products');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
      const res = await owner.post('/admin/cache/clear', { module: 'products' });
      expect(res.status).toBe(422);
      expect(res.html).toContain('Nothing was cleared');
      expect(res.html).toContain('Yes, clear');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
    });

    it('refuses an unknown part with a message and changes nothing', async () => {
      await owner.get('/catalog/products');
      const res = await owner.post('/admin/cache/clear', { module: 'sessions', confirm: 'yes' });
      expect(res.status).toBe(422);
      expect(res.html).toContain('Choose what to clear');
      expect((await owner.get('/admin/cache/clear?module=sessions')).status).toBe(422);
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
    });

    it('preparing the most used pages fills them so the next balance and profit pages are a HIT', async () => {
      await t.deps.cache.module('balance').invalidate(business.tenantId);
      const res = await owner.post('/admin/cache/warm');
      expect(res.status).toBe(303);
      expect((await owner.get('/admin/cache')).html).toContain(
        'Prepared the most used pages: Units, Categories, Balance figures, Profit and stock value.',
      );
      expect((await owner.get('/balance')).headers.get('x-cache')).toBe('HIT');
      expect((await owner.get('/profit')).headers.get('x-cache')).toBe('HIT');
    });
  });
});
