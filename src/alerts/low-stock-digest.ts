import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import type { Logger } from '../logger.ts';
import { MailSendError, type Mailer } from '../mail/mailer.ts';
import { localDay, zoneOffsetMinutes } from '../time.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { createFormatter, type Formatter } from '../format/index.ts';
import { tFor } from '../i18n/index.ts';
import type { TFunction } from 'i18next';

// The daily low-stock e-mail: to each active owner and manager who asked for it (account
// page), the business's active products at or below their reorder level. At most once per
// recipient per local day, however many instances run the scheduler: the sender is the
// instance whose INSERT of alert_runs(tenant_id, day) succeeds (the primary key refuses every
// other), together with one alert_deliveries row per recipient in state `sending`. Each
// message sent marks its row `sent`. A message the SMTP server surely did not take (it
// refused it, or could not be reached) marks it `failed`, and a later run of that day takes
// it back by a conditional UPDATE (failed → sending: of several instances one wins) and
// tries again, up to MAX_ATTEMPTS. A row left `sending` (the outcome was lost with the
// connection, or the process died) is never sent again: a digest missed beats one twice.

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

const MAX_LISTED = 200;
/** Purchase orders whose outstanding quantities are on order (sent, not fully received). */
const OPEN_ORDERS = ['ordered', 'partly_received'] as const;

interface Recipient {
  id: number;
  email: string;
  language: string | null;
}

interface LowProduct {
  sku: string;
  name: string;
  quantityOnHand: Decimal;
  reorderLevel: Decimal;
  unit: string;
  onOrder: Decimal;
}

interface DigestFacts {
  business: string;
  day: string;
  count: number;
  products: LowProduct[];
  listUrl: string | undefined;
}

/** The digest in one recipient's language, its numbers in the business's locale. */
function digestMail(t: TFunction, fmt: Formatter, f: DigestFacts): { subject: string; text: string } {
  const lines = f.products.map((p) => {
    const values = {
      name: p.name,
      sku: p.sku,
      onHand: fmt.quantity(p.quantityOnHand),
      unit: p.unit,
      reorderLevel: fmt.quantity(p.reorderLevel),
      onOrder: fmt.quantity(p.onOrder),
    };
    return p.onOrder.greaterThan(0)
      ? t('- {{name}} ({{sku}}): {{onHand}} {{unit}} on hand, {{onOrder}} on order, reorder at {{reorderLevel}}', values)
      : t('- {{name}} ({{sku}}): {{onHand}} {{unit}} on hand, reorder at {{reorderLevel}}', values);
  });
  const more = f.count - f.products.length;
  const text = [
    t('{{count}} products are at or below the reorder level at {{business}} on {{day}}:', {
      count: f.count,
      business: f.business,
      day: fmt.date(new Date(`${f.day}T12:00:00Z`)),
    }),
    '',
    ...lines,
    ...(more > 0 ? ['', t('… and {{count}} more.', { count: more })] : []),
    ...(f.listUrl ? ['', t('See them all: {{url}}', { url: f.listUrl })] : []),
    '',
    t('You get this e-mail because you asked for it on your account page; untick it there to stop.'),
  ].join('\n');
  return { subject: t('Low stock at {{business}}: {{count}} products', { business: f.business, count: f.count }), text };
}
/** Attempts per recipient and day (the scheduler checks every few minutes). */
export const MAX_ATTEMPTS = 5;

export interface LowStockDigestDeps {
  prisma: PrismaClient;
  tenantDb: (tenantId: number) => TenantDb;
  mailer: Mailer;
  appUrl: string | undefined;
  /** Local hour (in each business's zone) from which the day's digest may go out. */
  hour: number;
  logger: Logger;
}

export type DigestOutcome = 'sent' | 'failed' | 'already-sent' | 'too-early' | 'nothing-low' | 'no-recipients' | 'mail-off';

export interface RunOptions {
  now?: Date;
  /** Only this business. */
  tenantId?: number;
  /** Do not wait for the configured hour (the command line's "now"). */
  ignoreHour?: boolean;
}

export class LowStockDigest {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /**
   * Business → the local day whose digest this process sent to every recipient: nothing is
   * left to do for it that day (no recipient is added to a claimed day, none of its own failed),
   * so its checks until midnight read nothing of it.
   */
  private readonly settled = new Map<number, string>();

  constructor(private readonly deps: LowStockDigestDeps) {}

  /** Every business once: what happened for each. */
  async run(options: RunOptions = {}): Promise<Array<{ tenantId: number; outcome: DigestOutcome }>> {
    // Which businesses exist is the one read across tenants; each business's data is read through its own scope.
    // With each one's zone, so a business before its hour, or done for the day, costs no read of its own.
    const tenants = await this.deps.prisma.tenant.findMany({
      where: options.tenantId === undefined ? {} : { id: options.tenantId },
      select: { id: true, timeZone: true },
      orderBy: { id: 'asc' },
    });
    const now = options.now ?? new Date();
    const results: Array<{ tenantId: number; outcome: DigestOutcome }> = [];
    if (!this.deps.mailer.enabled) return tenants.map(({ id }) => ({ tenantId: id, outcome: 'mail-off' as const }));
    for (const { id, timeZone } of tenants) {
      const day = localDay(now, timeZone);
      if (this.settled.get(id) === day) {
        results.push({ tenantId: id, outcome: 'already-sent' });
        continue;
      }
      if (!options.ignoreHour && localHour(now, timeZone) < this.deps.hour) {
        results.push({ tenantId: id, outcome: 'too-early' });
        continue;
      }
      try {
        const outcome = await this.runFor(id, day);
        if (outcome === 'sent') this.settled.set(id, day);
        else this.settled.delete(id);
        results.push({ tenantId: id, outcome });
      } catch (error) {
        this.deps.logger.error({ err: error, tenantId: id }, 'low-stock digest failed');
        results.push({ tenantId: id, outcome: 'failed' });
      }
    }
    return results;
  }

  /** Runs every `intervalMs` (unref'd: never keeps the process alive); a run is skipped while the previous one lasts. */
  start(intervalMs: number): void {
    if (!this.deps.mailer.enabled || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.run().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** `day`: the business's local day now, from the zone the list of businesses gave. */
  private async runFor(tenantId: number, day: string): Promise<DigestOutcome> {
    const db = this.deps.tenantDb(tenantId);
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { name: true, timeZone: true, currency: true, locale: true, language: true },
    });
    const recipients = await db.user.findMany({
      where: { active: true, lowStockDigest: true, role: { in: ['owner', 'manager'] } },
      select: { id: true, email: true, language: true },
      orderBy: { id: 'asc' },
    });
    if (!recipients.length) return 'no-recipients';
    const where = { active: true, quantityOnHand: { lte: db.product.fields.reorderLevel } };
    const [count, products] = await Promise.all([
      db.product.count({ where }),
      db.product.findMany({
        where,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: MAX_LISTED,
        select: { id: true, sku: true, name: true, quantityOnHand: true, reorderLevel: true, unit: { select: { code: true } } },
      }),
    ]);
    if (!count) return 'nothing-low';
    const dayDate = new Date(`${day}T00:00:00Z`);
    const mine = await this.claim(db, dayDate, recipients, count);
    if (!mine.length) {
      this.deps.logger.info({ tenantId, day }, 'low-stock digest already sent today');
      return 'already-sent';
    }
    const openLines = await db.purchaseOrderLine.findMany({
      where: { productId: { in: products.map((p) => p.id) }, purchaseOrder: { status: { in: [...OPEN_ORDERS] } } },
      select: { productId: true, quantity: true, receivedQuantity: true },
    });
    const onOrder = new Map<number, Decimal>();
    for (const l of openLines) {
      const outstanding = Decimal.max(l.quantity.minus(l.receivedQuantity), 0);
      onOrder.set(l.productId, (onOrder.get(l.productId) ?? new Decimal(0)).plus(outstanding));
    }
    const facts: DigestFacts = {
      business: tenant.name,
      day,
      count,
      products: products.map((p) => ({
        sku: p.sku,
        name: p.name,
        quantityOnHand: p.quantityOnHand,
        reorderLevel: p.reorderLevel,
        unit: p.unit.code,
        onOrder: onOrder.get(p.id) ?? new Decimal(0),
      })),
      listUrl: this.deps.appUrl ? `${this.deps.appUrl}/catalog/products?stock=low` : undefined,
    };
    const fmt = createFormatter(tenant);
    let failed = 0;
    for (const r of mine) {
      const delivery = { day: dayDate, userId: r.id };
      try {
        await this.deps.mailer.send({ to: r.email, ...digestMail(tFor([r.language, tenant.language]), fmt, facts) });
      } catch (error) {
        failed++;
        const retry = error instanceof MailSendError && error.surelyNotSent;
        const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await db.alertDelivery.updateMany({ where: delivery, data: retry ? { state: 'failed', lastError } : { lastError } });
        this.deps.logger.error(
          { err: error, tenantId, day, userId: r.id },
          retry
            ? 'low-stock digest refused for a recipient; tried again at a later run'
            : 'low-stock digest may not have arrived; not sent again today',
        );
        continue;
      }
      await db.alertDelivery.updateMany({ where: delivery, data: { state: 'sent', lastError: null } });
    }
    this.deps.logger.info({ tenantId, day, recipients: mine.length, failed, products: count }, 'low-stock digest sent');
    return failed ? 'failed' : 'sent';
  }

  /**
   * Whom this run sends to: every recipient when it claims the day; after that, those whose
   * message was refused for sure earlier today (and are still recipients), each taken back by
   * one conditional UPDATE so that of several instances exactly one sends it.
   */
  private async claim(db: TenantDb, day: Date, recipients: Recipient[], products: number): Promise<Recipient[]> {
    try {
      await db.$transaction(async (tx) => {
        await tx.alertRun.create({
          data: { day, recipients: recipients.length, products } as Parameters<TenantDb['alertRun']['create']>[0]['data'],
          select: { day: true },
        });
        await tx.alertDelivery.createMany({
          data: recipients.map((r) => ({ day, userId: r.id })) as Parameters<TenantDb['alertDelivery']['createMany']>[0]['data'],
        });
      });
      return recipients;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const refused = await db.alertDelivery.findMany({
      where: { day, state: 'failed', attempts: { lt: MAX_ATTEMPTS }, userId: { in: recipients.map((r) => r.id) } },
      select: { userId: true, attempts: true },
      orderBy: { userId: 'asc' },
    });
    const mine: Recipient[] = [];
    for (const d of refused) {
      const { count } = await db.alertDelivery.updateMany({
        where: { day, userId: d.userId, state: 'failed', attempts: d.attempts },
        data: { state: 'sending', attempts: { increment: 1 } },
      });
      if (count === 1) mine.push(recipients.find((r) => r.id === d.userId)!);
    }
    return mine;
  }
}

function localHour(instant: Date, timeZone: string): number {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return local.getUTCHours();
}
