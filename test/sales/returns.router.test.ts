import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// Returns, the cancel confirmation and the till over HTTP: pages, refusals with messages,
// roles (staff take no returns, close only their own till) and other businesses' ids (404).

const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('returns, cancelling and the till over HTTP', () => {
  let app: TestApp;
  let staff: TestClient;
  let manager: TestClient;
  let outsider: TestClient;
  let tenantId: number;
  let customerId: number;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'pglite', redis: false });
    const tenant = await app.createTenantWithOwner('Returns Shop');
    tenantId = tenant.tenantId;
    staff = await app.signIn(...(await app.createUser(tenantId, 'staff').then((u) => [u.email, u.password] as const)));
    manager = await app.signIn(...(await app.createUser(tenantId, 'manager').then((u) => [u.email, u.password] as const)));
    const other = await app.createTenantWithOwner('Other Shop');
    outsider = await app.signIn(other.owner.email, other.owner.password);
    const prisma = app.deps.db.prisma;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const p = await prisma.product.create({
      data: {
        tenantId,
        sku: 'RET-1',
        name: 'Return thing',
        searchText: 'ret-1 return thing',
        unitId: unit.id,
        price: new Prisma.Decimal('20.00'),
        quantityOnHand: new Prisma.Decimal(50),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(50) } });
    customerId = (await prisma.customer.create({ data: { tenantId, name: 'Lena Returns' } })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  async function sell(client: TestClient, quantity: string, extra: Record<string, string> = {}) {
    const page = await client.get('/sales/new');
    const res = await client.post('/sales', {
      token: tokenOf(page.html),
      'lines[0][product]': 'RET-1',
      'lines[0][quantity]': quantity,
      ...extra,
    });
    expect(res.status).toBe(303);
    return res.location!;
  }

  it('a manager returns a unit from the sale page and gets a return receipt; the sale shows the return and what is left', async () => {
    const sale = await sell(staff, '3', { payNow: 'cash' });
    expect((await staff.get(sale)).html).not.toContain('Return items');
    expect((await staff.get(`${sale}/returns/new`)).status).toBe(403);
    const page = await manager.get(sale);
    expect(page.html).toContain(`href="${sale}/returns/new"`);
    const form = await manager.get(`${sale}/returns/new`);
    expect(form.status).toBe(200);
    expect(form.html).not.toContain('value="credit"'); // a walk-in: no account for a credit
    const res = await manager.post(`${sale}/returns`, {
      token: tokenOf(form.html),
      'lines[1][quantity]': '1',
      settlement: 'cash',
      reason: 'Broken <b>box</b>',
    });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/returns\/\d+$/);
    const receipt = await manager.get(res.location!);
    expect(receipt.status).toBe(200);
    expect(text(receipt.html)).toMatch(/Cash refund: \$20\.00/);
    expect(receipt.html).toContain('Broken &lt;b&gt;box&lt;/b&gt;');
    const after = text((await manager.get(sale)).html);
    expect(after).toMatch(/Returned: \$20\.00 · Sale now worth: \$40\.00/);
    expect(after).toMatch(/Left to return: 2 unit of Return thing/);
    expect(after).toMatch(/Paid: \$40\.00/);
  });

  it('too many units come back with the message on the line and the typed value; nothing is written', async () => {
    const sale = await sell(manager, '2', { payNow: 'card' });
    const form = await manager.get(`${sale}/returns/new`);
    const before = await app.deps.db.prisma.return.count();
    const res = await manager.post(`${sale}/returns`, { token: tokenOf(form.html), 'lines[1][quantity]': '3', settlement: 'card' });
    expect(res.status).toBe(409);
    expect(res.html).toContain('id="lines.1.quantity-error"');
    expect(text(res.html)).toMatch(/Only 2 unit of “Return thing” left to return/);
    expect(res.html).toMatch(/name="lines\[1\]\[quantity\]"[^>]*value="3"/);
    expect(await app.deps.db.prisma.return.count()).toBe(before);
  });

  it('cancelling asks first, says what will happen, and refunds the money it would leave', async () => {
    const sale = await sell(staff, '2', { payNow: 'cash' });
    expect((await staff.get(`${sale}/cancel`)).status).toBe(403);
    const confirm = await manager.get(`${sale}/cancel`);
    expect(confirm.status).toBe(200);
    const words = text(confirm.html);
    expect(words).toMatch(/These units go back to stock: 2 unit of Return thing/);
    expect(words).toMatch(/\$40\.00 paid on this sale would be left behind/);
    expect(confirm.html).not.toContain('value="credit"');
    // Nothing has happened yet.
    expect(text((await manager.get(sale)).html)).toMatch(/confirmed/);
    const refused = await manager.post(`${sale}/cancel`, {});
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('id="settlement-error"');
    expect(text(refused.html)).toMatch(/\$40\.00 was paid on this walk-in sale/);
    const done = await manager.post(`${sale}/cancel`, { settlement: 'cash' });
    expect(done.status).toBe(303);
    const page = text((await manager.get(sale)).html);
    expect(page).toMatch(/Sale #\d+ cancelled; its stock is back\. \$40\.00 refunded\./);
    expect(page).toMatch(/Cash refund · \$40\.00 \(cancellation\)/); // methods written through the one label map
    // A cancelled sale offers no return, and its confirmation page is not shown again.
    expect(page).not.toContain('Return items');
    const noReturn = await manager.get(`${sale}/returns/new`);
    expect([noReturn.status, noReturn.location]).toEqual([303, sale]);
    expect([(await manager.get(`${sale}/cancel`)).status]).toEqual([303]);
  });

  it("a customer's paid sale can be cancelled leaving the money as credit", async () => {
    const sale = await sell(manager, '1', { payNow: 'transfer', customerId: String(customerId) });
    const confirm = await manager.get(`${sale}/cancel`);
    expect(confirm.html).toContain('value="credit"');
    const done = await manager.post(`${sale}/cancel`, { settlement: 'credit' });
    expect(done.status).toBe(303);
    expect(text((await manager.get(sale)).html)).toMatch(/\$20\.00 left as the customer(&#39;|')s credit/);
  });

  it('staff close their own till with a counted difference; the history shows it; managers see everyone', async () => {
    await sell(staff, '1', { payNow: 'cash' });
    const till = await staff.get('/till');
    expect(till.status).toBe(200);
    const expected = /data-expected><strong>([^<]+)</.exec(till.html)?.[1];
    // This user's cash sales (3 + 2 + 1 units of 20); the refunds came out of the manager's drawer.
    expect(expected).toBe('$120.00');
    const bad = await staff.post('/till/close', { token: tokenOf(till.html), counted: 'lots' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="counted-error"');
    const res = await staff.post('/till/close', { token: tokenOf(till.html), counted: '117.50', note: 'Coins short' });
    expect(res.status).toBe(303);
    const close = text((await staff.get(res.location!)).html);
    expect(close).toMatch(/Expected \$120\.00 Counted \$117\.50 Difference short \$2\.50/);
    expect(text((await staff.get('/till/closes')).html)).toMatch(/short \$2\.50/);
    expect((await staff.get('/till')).html).toMatch(/data-expected><strong>\$0\.00</);
    // The manager's own close, then the history of everyone; staff cannot open the manager's.
    const mine = await manager.get('/till');
    const managerClose = await manager.post('/till/close', { token: tokenOf(mine.html), counted: '0' });
    expect(text((await manager.get('/till/closes')).html)).toMatch(/User/);
    expect((await staff.get(managerClose.location!)).status).toBe(404);
    expect((await manager.get(res.location!)).status).toBe(200);
    expect((await outsider.get(res.location!)).status).toBe(404);
  });

  it("another business's sale, return and close are not found", async () => {
    const sale = await sell(manager, '1', { payNow: 'cash' });
    const form = await manager.get(`${sale}/returns/new`);
    const ret = await manager.post(`${sale}/returns`, { token: tokenOf(form.html), 'lines[1][quantity]': '1', settlement: 'cash' });
    expect((await outsider.get(`${sale}/returns/new`)).status).toBe(404);
    expect((await outsider.get(ret.location!)).status).toBe(404);
    expect((await outsider.get(`${sale}/cancel`)).status).toBe(404);
    expect(
      (await outsider.post(`${sale}/returns`, { token: tokenOf(form.html), 'lines[1][quantity]': '1', settlement: 'cash' })).status,
    ).toBe(404);
  });
});
