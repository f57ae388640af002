import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowStockDigest, MAX_ATTEMPTS } from '../../src/alerts/low-stock-digest.ts';
import { createMailer, type Mailer } from '../../src/mail/mailer.ts';
import { startTestApp, type TestApp, type TestTenant, type TestUser } from '../helpers/app.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

// The daily low-stock e-mail through a real SMTP server this file starts (smtp-server, which
// can refuse an address for a while), on PostgreSQL: at most one message per recipient and
// day, with two instances at once, and a recipient refused once gets it at a later run.

const HOOK_TIMEOUT_MS = 180_000;
const APP_URL = 'http://stock.test';
const FROM = 'Stock <stock@test.stock>';

/**
 * An SMTP server that takes a whole message and then drops the connection before answering:
 * the sender cannot know whether it arrived (it did).
 */
async function startLosingSmtp(): Promise<{ url: string; received(): number; close(): Promise<void> }> {
  let received = 0;
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.on('error', () => {});
    socket.write('220 lossy.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line !== '.') continue;
          received++;
          socket.destroy();
          return;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the low-stock digest', () => {
  let t: TestApp;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestApp({ driver: 'postgresql', redis: true, env: { SMTP_URL: smtp.url, MAIL_FROM: FROM, APP_URL } });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const prisma = () => t.deps.db.prisma;
  const digest = (mailer: Mailer = t.deps.mailer) =>
    new LowStockDigest({ prisma: prisma(), tenantDb: t.deps.tenantDb, mailer, appUrl: APP_URL, hour: 8, logger: t.deps.logger });
  const runFor = async (d: LowStockDigest, shop: TestTenant) => (await d.run({ tenantId: shop.tenantId, ignoreHour: true }))[0]!.outcome;
  const mailsTo = (shop: TestTenant, email: string) =>
    smtp.messages.filter((m) => m.subject.startsWith(`Low stock at ${shop.name}:`) && m.to.includes(email)).length;
  const deliveries = async (shop: TestTenant) =>
    Object.fromEntries(
      (await prisma().alertDelivery.findMany({ where: { tenantId: shop.tenantId }, include: { user: { select: { email: true } } } })).map(
        (d) => [d.user.email, { state: d.state, attempts: d.attempts }],
      ),
    );

  /** A business with one product below its reorder level, one above, and its owner plus `managers` managers asking for the e-mail. */
  async function shopWithLowStock(managers: number): Promise<{ shop: TestTenant; recipients: TestUser[] }> {
    const shop = await t.createTenantWithOwner();
    const others = await Promise.all(Array.from({ length: managers }, () => t.createUser(shop.tenantId, 'manager')));
    const recipients = [shop.owner, ...others];
    await prisma().user.updateMany({ where: { id: { in: recipients.map((u) => u.id) } }, data: { lowStockDigest: true } });
    const unit = await prisma().unit.create({ data: { tenantId: shop.tenantId, code: 'pc', name: 'Piece' } });
    await prisma().product.createMany({
      data: [
        {
          tenantId: shop.tenantId,
          sku: 'LOW-1',
          name: 'Claw hammer',
          unitId: unit.id,
          price: '12.00',
          quantityOnHand: '2',
          reorderLevel: '5',
        },
        {
          tenantId: shop.tenantId,
          sku: 'OK-1',
          name: 'Tape measure',
          unitId: unit.id,
          price: '8.00',
          quantityOnHand: '40',
          reorderLevel: '5',
        },
      ],
    });
    return { shop, recipients };
  }

  it('goes once per business and day, also with two instances running it at once', async () => {
    const { shop, recipients } = await shopWithLowStock(1);
    const staff = await t.createUser(shop.tenantId, 'staff');
    await prisma().user.update({ where: { id: staff.id }, data: { lowStockDigest: true } });
    const instances = [digest(), digest()];
    const runs = await Promise.all(instances.map((d) => runFor(d, shop)));
    expect(runs.sort()).toEqual(['already-sent', 'sent']);
    expect(await runFor(instances[0]!, shop)).toBe('already-sent');
    const mails = smtp.messages.filter((m) => m.subject === `Low stock at ${shop.name}: 1 product`);
    // Owner and manager, each once; staff do not get it.
    expect(mails.flatMap((m) => m.to).sort()).toEqual(recipients.map((u) => u.email).sort());
    expect(mails[0]!.text).toContain('Claw hammer (LOW-1): 2 pc on hand, reorder at 5');
    expect(mails[0]!.text).not.toContain('Tape measure');
    expect(await prisma().alertRun.count({ where: { tenantId: shop.tenantId } })).toBe(1);
  });

  it('once an instance sent the day’s digest to everyone, its later checks that day read nothing of the business', async () => {
    const { shop } = await shopWithLowStock(1);
    const instance = digest();
    expect(await runFor(instance, shop)).toBe('sent');
    // Nothing is low any more: a check that read the business would say so.
    await prisma().product.updateMany({ where: { tenantId: shop.tenantId }, data: { quantityOnHand: '100' } });
    expect(await runFor(instance, shop)).toBe('already-sent');
    expect(await runFor(digest(), shop)).toBe('nothing-low');
    // The next local day is a day of its own.
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    expect((await instance.run({ tenantId: shop.tenantId, ignoreHour: true, now: tomorrow }))[0]!.outcome).toBe('nothing-low');
  });

  it('a recipient refused the first time gets it at the next run; the others get exactly one message across the runs', async () => {
    const { shop, recipients } = await shopWithLowStock(2);
    const [owner, refused, other] = recipients.map((u) => u.email) as [string, string, string];
    smtp.refuse(refused);

    expect(await runFor(digest(), shop)).toBe('failed');
    expect([mailsTo(shop, owner), mailsTo(shop, refused), mailsTo(shop, other)]).toEqual([1, 0, 1]);
    expect((await deliveries(shop))[refused]).toEqual({ state: 'failed', attempts: 1 });

    // The next check, on two instances at once: one of them takes the refused message back.
    const retries = await Promise.all([digest(), digest()].map((d) => runFor(d, shop)));
    expect(retries.sort()).toEqual(['already-sent', 'sent']);
    expect([mailsTo(shop, owner), mailsTo(shop, refused), mailsTo(shop, other)]).toEqual([1, 1, 1]);

    expect(await runFor(digest(), shop)).toBe('already-sent');
    expect([mailsTo(shop, owner), mailsTo(shop, refused), mailsTo(shop, other)]).toEqual([1, 1, 1]);
    expect(await deliveries(shop)).toEqual({
      [owner]: { state: 'sent', attempts: 1 },
      [refused]: { state: 'sent', attempts: 2 },
      [other]: { state: 'sent', attempts: 1 },
    });
  });

  it(`an address refused every time is tried ${MAX_ATTEMPTS} times that day, then left`, async () => {
    const { shop, recipients } = await shopWithLowStock(0);
    const owner = recipients[0]!.email;
    smtp.refuse(owner, MAX_ATTEMPTS + 5);
    for (let run = 1; run <= MAX_ATTEMPTS; run++) expect(await runFor(digest(), shop)).toBe('failed');
    expect(await runFor(digest(), shop)).toBe('already-sent');
    expect(await deliveries(shop)).toEqual({ [owner]: { state: 'failed', attempts: MAX_ATTEMPTS } });
    expect(mailsTo(shop, owner)).toBe(0);
  });

  it('an SMTP server that cannot be reached: every recipient gets it at a later run, once', async () => {
    const { shop, recipients } = await shopWithLowStock(1);
    const down = createMailer({ mail: { smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: FROM } }, t.deps.logger);
    try {
      expect(await runFor(digest(down), shop)).toBe('failed');
    } finally {
      down.close();
    }
    expect(Object.values(await deliveries(shop)).map((d) => d.state)).toEqual(['failed', 'failed']);
    expect(await runFor(digest(), shop)).toBe('sent');
    expect(await runFor(digest(), shop)).toBe('already-sent');
    expect(recipients.map((u) => mailsTo(shop, u.email))).toEqual([1, 1]);
  });

  it('a message whose answer was lost with the connection is not sent again that day (it may have arrived)', async () => {
    const { shop, recipients } = await shopWithLowStock(0);
    const lossy = await startLosingSmtp();
    const mailer = createMailer({ mail: { smtpUrl: lossy.url, from: FROM } }, t.deps.logger);
    try {
      expect(await runFor(digest(mailer), shop)).toBe('failed');
      expect(lossy.received()).toBe(1);
      expect(await runFor(digest(mailer), shop)).toBe('already-sent');
      expect(await runFor(digest(), shop)).toBe('already-sent');
      expect(lossy.received()).toBe(1);
      expect(mailsTo(shop, recipients[0]!.email)).toBe(0);
      expect(await deliveries(shop)).toEqual({ [recipients[0]!.email]: { state: 'sending', attempts: 1 } });
    } finally {
      mailer.close();
      await lossy.close();
    }
  });
  it('lists what is on order and speaks each recipient’s language, with the business’s number format', async () => {
    const { shop, recipients } = await shopWithLowStock(1);
    const [owner, manager] = recipients as [TestUser, TestUser];
    await prisma().tenant.update({ where: { id: shop.tenantId }, data: { language: 'es', locale: 'es-ES' } });
    await prisma().user.update({ where: { id: manager.id }, data: { language: 'en' } });
    const hammer = await prisma().product.findFirstOrThrow({ where: { tenantId: shop.tenantId, sku: 'LOW-1' } });
    await prisma().product.update({ where: { id: hammer.id }, data: { quantityOnHand: '1.5' } });
    const supplier = await prisma().supplier.create({ data: { tenantId: shop.tenantId, name: 'Acme' } });
    // 10 ordered, 2.5 received: 7.5 on order; a draft and a cancelled order are not on order.
    for (const [number, status, quantity, receivedQuantity] of [
      [1, 'partly_received', '10', '2.5'],
      [2, 'draft', '50', '0'],
      [3, 'cancelled', '50', '0'],
    ] as const) {
      const order = await prisma().purchaseOrder.create({ data: { tenantId: shop.tenantId, number, supplierId: supplier.id, status } });
      await prisma().purchaseOrderLine.create({
        data: {
          tenantId: shop.tenantId,
          purchaseOrderId: order.id,
          lineNo: 1,
          productId: hammer.id,
          quantity,
          unitCost: '3.00',
          receivedQuantity,
        },
      });
    }
    expect(await runFor(digest(), shop)).toBe('sent');
    const spanish = smtp.messages.find((m) => m.to.includes(owner.email) && m.subject.startsWith('Existencias bajas'))!;
    expect(spanish.subject).toBe(`Existencias bajas en ${shop.name}: 1 producto`);
    expect(spanish.text).toContain('Claw hammer (LOW-1): 1,5 pc en existencias, 7,5 pedidos, reponer en 5');
    expect(spanish.text).toContain('Recibe este correo porque lo pidió');
    const english = smtp.messages.find((m) => m.to.includes(manager.email) && m.subject.startsWith('Low stock'))!;
    expect(english.subject).toBe(`Low stock at ${shop.name}: 1 product`);
    expect(english.text).toContain('Claw hammer (LOW-1): 1,5 pc on hand, 7,5 on order, reorder at 5');
  });
});
