import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { balanceSummaryAndRecomputation, ledgerMatches } from './support.ts';

// Twenty managers' tabs post a return of the same line at once, each from its own form, on the
// PostgreSQL server: the line's limit holds through the whole HTTP path (form tokens, the
// router, the transaction), and the refused ones are told why.

const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';
const POSTS = 20;

describe('returns over HTTP › 20 concurrent posts on postgresql', () => {
  let app: TestApp;
  let manager: TestClient;
  let tenantId: number;

  beforeAll(async () => {
    app = await startTestApp({ driver: 'postgresql', redis: false });
    const tenant = await app.createTenantWithOwner('Busy Returns');
    tenantId = tenant.tenantId;
    const user = await app.createUser(tenantId, 'manager');
    manager = await app.signIn(user.email, user.password);
    const prisma = app.deps.db.prisma;
    const unit = await prisma.unit.create({ data: { tenantId, code: 'unit', name: 'Unit' } });
    const p = await prisma.product.create({
      data: {
        tenantId,
        sku: 'RET-20',
        name: 'Returned often',
        searchText: 'ret-20 returned often',
        unitId: unit.id,
        price: new Prisma.Decimal('8.00'),
        quantityOnHand: new Prisma.Decimal(40),
      },
    });
    await prisma.stockMovement.create({ data: { tenantId, productId: p.id, kind: 'receipt', quantity: new Prisma.Decimal(40) } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`${POSTS} posts returning 1 unit of a line of 5: exactly 5 returns, the rest refused with a message, stock and money exact`, async () => {
    const page = await manager.get('/sales/new');
    const sold = await manager.post('/sales', {
      token: tokenOf(page.html),
      'lines[0][product]': 'RET-20',
      'lines[0][quantity]': '5',
      payNow: 'cash',
    });
    expect(sold.status).toBe(303);
    const sale = sold.location!;
    const forms = await Promise.all(Array.from({ length: POSTS }, () => manager.get(`${sale}/returns/new`)));
    const results = await Promise.all(
      forms.map((form) => manager.post(`${sale}/returns`, { token: tokenOf(form.html), 'lines[1][quantity]': '1', settlement: 'cash' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(5);
    // The others are refusals a person can read, never a server error.
    const refused = results.filter((r) => r.status !== 303);
    expect(refused.map((r) => r.status).every((s) => s === 409 || s === 422)).toBe(true);
    for (const r of refused) expect(r.html).toMatch(/More than was sold|left to return/);

    const prisma = app.deps.db.prisma;
    const line = await prisma.saleLine.findFirstOrThrow({ where: { tenantId } });
    expect(line.returnedQuantity.toFixed()).toBe('5');
    expect(await prisma.refund.count({ where: { tenantId } })).toBe(5);
    const product = await prisma.product.findFirstOrThrow({ where: { tenantId, sku: 'RET-20' } });
    expect(product.quantityOnHand.toFixed()).toBe('40');
    expect(await ledgerMatches(prisma, tenantId)).toBe(true);
    const { summary, recomputed } = await balanceSummaryAndRecomputation(prisma, tenantId);
    expect(summary).toEqual(recomputed);
  });
});
