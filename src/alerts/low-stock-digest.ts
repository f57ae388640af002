import type { PrismaClient } from '../generated/prisma/client.ts';
import type { TenantDb } from '../db/tenant-scope.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import { localDay, zoneOffsetMinutes } from '../time.ts';
import { isUniqueViolation } from '../db/errors.ts';

// The daily low-stock e-mail: to each active owner and manager who asked for it (account
// page), the business's active products at or below their reorder level. Once per business
// per local day, however many instances run the scheduler: the sender is the instance whose
// INSERT of alert_runs(tenant_id, day) succeeds (the primary key refuses every other). When
// the sending fails the row is removed again, so a later run tries once more.

const MAX_LISTED = 200;

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

  constructor(private readonly deps: LowStockDigestDeps) {}

  /** Every business once: what happened for each. */
  async run(options: RunOptions = {}): Promise<Array<{ tenantId: number; outcome: DigestOutcome }>> {
    // Which businesses exist is the one read across tenants; each business's data is read through its own scope.
    const tenants = await this.deps.prisma.tenant.findMany({
      where: options.tenantId === undefined ? {} : { id: options.tenantId },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    const results: Array<{ tenantId: number; outcome: DigestOutcome }> = [];
    for (const { id } of tenants) {
      try {
        results.push({ tenantId: id, outcome: await this.runFor(id, options) });
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

  private async runFor(tenantId: number, options: RunOptions): Promise<DigestOutcome> {
    if (!this.deps.mailer.enabled) return 'mail-off';
    const now = options.now ?? new Date();
    const db = this.deps.tenantDb(tenantId);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, timeZone: true } });
    const day = localDay(now, tenant.timeZone);
    if (!options.ignoreHour && localHour(now, tenant.timeZone) < this.deps.hour) return 'too-early';
    const recipients = await db.user.findMany({
      where: { active: true, lowStockDigest: true, role: { in: ['owner', 'manager'] } },
      select: { email: true },
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
        select: { sku: true, name: true, quantityOnHand: true, reorderLevel: true, unit: { select: { code: true } } },
      }),
    ]);
    if (!count) return 'nothing-low';
    const dayDate = new Date(`${day}T00:00:00Z`);
    try {
      await db.alertRun.create({
        data: { day: dayDate, recipients: recipients.length, products: count } as Parameters<TenantDb['alertRun']['create']>[0]['data'],
        select: { day: true },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        this.deps.logger.info({ tenantId, day }, 'low-stock digest already sent today');
        return 'already-sent';
      }
      throw error;
    }
    const lines = products.map(
      (p) => `- ${p.name} (${p.sku}): ${p.quantityOnHand.toString()} ${p.unit.code} on hand, reorder at ${p.reorderLevel.toString()}`,
    );
    const more = count - products.length;
    const text = [
      `${count} product${count === 1 ? ' is' : 's are'} at or below the reorder level at ${tenant.name} on ${day}:`,
      '',
      ...lines,
      ...(more > 0 ? ['', `… and ${more} more.`] : []),
      ...(this.deps.appUrl ? ['', `See them all: ${this.deps.appUrl}/catalog/products?stock=low`] : []),
      '',
      'You get this e-mail because you asked for it on your account page; untick it there to stop.',
    ].join('\n');
    try {
      for (const r of recipients)
        await this.deps.mailer.send({
          to: r.email,
          subject: `Low stock at ${tenant.name}: ${count} product${count === 1 ? '' : 's'}`,
          text,
        });
    } catch (error) {
      await db.alertRun.deleteMany({ where: { day: dayDate } });
      throw error;
    }
    this.deps.logger.info({ tenantId, day, recipients: recipients.length, products: count }, 'low-stock digest sent');
    return 'sent';
  }
}

function localHour(instant: Date, timeZone: string): number {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return local.getUTCHours();
}
