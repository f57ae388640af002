import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import type { TestClient } from '../helpers/http-client.ts';

// A CSV import is read only once the sender is known and allowed to import, and what comes
// back about a file is bounded whatever the file holds.

const HOOK_TIMEOUT_MS = 180_000;
const IMPORT = '/catalog/products/import';
const BIG = 4_900_000;

/**
 * Announce a body of `BIG` bytes, send only its first 64 kB, and wait for the answer. It can
 * only come while most of the body is still unsent: a server that reads the body first never
 * answers (the test then fails on its timeout).
 */
function answerToUnfinishedUpload(baseUrl: string, cookie: string | undefined): Promise<{ status: number; location: string | undefined }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [statusLine, ...headers] = received.slice(0, end).split('\r\n');
      const location = headers.find((h) => /^location:/i.test(h))?.replace(/^location:\s*/i, '');
      socket.destroy();
      resolve({ status: Number(statusLine!.split(' ')[1]), location });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed without an answer: ${received.slice(0, 200)}`)));
    const head = [
      `POST ${IMPORT} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${BIG}`,
      ...(cookie ? [`Cookie: ${cookie}`] : []),
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\naction=preview&csv=${'sku%2Cname%0A'.repeat(5_000).slice(0, 64_000)}`);
  });
}

describe('product CSV import limits', () => {
  let t: TestApp;
  let business: TestTenant;
  let manager: TestClient;
  let staff: TestClient;

  beforeAll(async () => {
    t = await startTestApp({ driver: 'pglite', redis: false });
    business = await t.createTenantWithOwner();
    manager = await t.signIn((await t.createUser(business.tenantId, 'manager')).email, 'correct-horse-battery');
    staff = await t.signIn((await t.createUser(business.tenantId, 'staff')).email, 'correct-horse-battery');
    expect((await manager.post('/settings/uoms', { code: 'unit', name: 'Unit' })).status).toBe(303);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it("a signed-out visitor's 4.9 MB upload is sent to sign in before the server reads it", async () => {
    expect(await answerToUnfinishedUpload(t.baseUrl, undefined)).toEqual({ status: 303, location: '/login' });
  });

  it("a staff member's 4.9 MB upload is refused before the server reads it", async () => {
    expect(await answerToUnfinishedUpload(t.baseUrl, staff.cookieHeader())).toEqual({ status: 403, location: undefined });
  });

  it('a manager previewing a file 400 000 columns wide gets a short message, not the file back', async () => {
    const header = Array.from({ length: 400_000 }, (_, i) => `c${i}`).join(',');
    const csv = `${header}\nA-1,Mug\n`;
    expect(csv.length).toBeGreaterThan(3_000_000);
    const res = await manager.post(IMPORT, { action: 'preview', csv });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Line 1 has more than 50 columns; a product file has at most 50: sku, name, barcodes,');
    expect(res.html.length).toBeLessThan(20_000);
    expect(res.html).not.toContain('c399999');
  });

  it('a manager previewing a file with many unknown columns and huge cells gets a bounded page', async () => {
    const unknown = Array.from({ length: 40 }, (_, i) => `extra_column_${i}`);
    const wide = await manager.post(IMPORT, { action: 'preview', csv: `sku,name,unit,price,${unknown.join(',')}\nA-1,Mug,unit,1.00\n` });
    expect(wide.status).toBe(422);
    expect(wide.html).toContain(
      'Unknown columns: extra_column_0, extra_column_1, extra_column_2, extra_column_3, extra_column_4 and 35 more.',
    );

    const huge = 'x'.repeat(1_000_000);
    const cells = await manager.post(IMPORT, {
      action: 'preview',
      csv: `sku,name,unit,price,category\n${huge},${huge},${huge},1.00,${huge}\n`,
    });
    // Before: each huge cell came back again in the preview row and in its message.
    expect(cells.status).toBe(422);
    // The file itself comes back in the text box to be corrected; the preview and its
    // messages show each cell shortened.
    const csvLength = 4 * huge.length;
    expect(cells.html.length).toBeLessThan(csvLength + 20_000);
    expect(cells.html).toContain(`Unknown category “${'x'.repeat(79)}…”`);
  });

  it('a manager still previews and imports a file, with the token in the form', async () => {
    const csv = 'sku,name,unit,price\nLIM-1,Limit mug,unit,2.50\n';
    const preview = await manager.post(IMPORT, { action: 'preview', csv });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('Ready: 1 new product');
    const done = await manager.post(IMPORT, { action: 'import', csv });
    expect(done.status).toBe(303);
    const forged = await manager.post(IMPORT, { action: 'import', csv }, { csrf: 'not-the-token' });
    expect(forged.status).toBe(403);
  });

  it('a file with lone-CR line ends and commas inside quotes is not taken for a wide one', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `LIM-CR-${i},"Mug${','.repeat(60)}",unit,1.00`);
    const preview = await manager.post(IMPORT, { action: 'preview', csv: ['sku,name,unit,price', ...rows].join('\r') });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('Ready: 60 new products');
  });
});
