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

    it('shows per-module counters, this tenant key counts and the breaker state', async () => {
      await owner.get('/catalog/products');
      await owner.get('/catalog/products');
      const page = await owner.get('/admin/cache');
      expect(page.status).toBe(200);
      for (const module of ['balance', 'products', 'categories', 'uom']) expect(page.html).toContain(`Clear ${module}`);
      expect(page.html).toMatch(/breaker closed/);
      expect(page.html).toMatch(/Memory used/);
    });

    it('clearing a module makes the next read of it a MISS and says so', async () => {
      await owner.get('/catalog/products');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
      const cleared = await owner.post('/admin/cache/clear', { module: 'products' });
      expect(cleared.status).toBe(303);
      const after = await owner.get('/admin/cache');
      expect(after.html).toContain('Cleared the products cache');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('MISS');
    });

    it('refuses an unknown module with a message and changes nothing', async () => {
      await owner.get('/catalog/products');
      const res = await owner.post('/admin/cache/clear', { module: 'sessions' });
      expect(res.status).toBe(422);
      expect(res.html).toContain('Choose a module');
      expect((await owner.get('/catalog/products')).headers.get('x-cache')).toBe('HIT');
    });

    it('warming fills the hot keys so the next balance page is a HIT', async () => {
      await t.deps.cache.invalidateModule(business.tenantId, 'balance');
      const res = await owner.post('/admin/cache/warm');
      expect(res.status).toBe(303);
      expect((await owner.get('/admin/cache')).html).toContain('Warmed');
      expect((await owner.get('/balance')).headers.get('x-cache')).toBe('HIT');
    });
  });
});
