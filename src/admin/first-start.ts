import { randomBytes } from 'node:crypto';
import type { Core } from '../core.ts';
import { createTenant } from '../settings/index.ts';
import { seedDemoData } from './demo-seed.service.ts';

export const demoOwnerEmail = 'owner@demo.stock.test';

/**
 * On an empty database (and unless SEED_DEMO=false): a demo business with an owner login,
 * printed once. The year of demo sales is written in the background so the app answers
 * at once; a restart finds the tenant and seeds nothing.
 */
export async function seedDemoOnFirstStart(
  deps: Pick<Core, 'config' | 'db' | 'logger' | 'cache'>,
): Promise<{ seeding: Promise<void> } | null> {
  const { config, db, logger } = deps;
  if (!config.seedDemo) return null;
  if ((await db.prisma.tenant.count()) > 0) return null;
  const password = `demo-${randomBytes(9).toString('base64url')}`;
  const { tenantId } = await createTenant(db.prisma, {
    name: 'Demo Hardware',
    currency: 'EUR',
    timeZone: 'Europe/Madrid',
    defaultTaxRate: '21',
    ownerEmail: demoOwnerEmail,
    ownerPassword: password,
  });
  logger.info(`First start: created the demo business. Sign in as ${demoOwnerEmail} with password ${password} (shown only this once)`);
  let lastLogged = 0;
  const seeding = seedDemoData(db.prisma, {
    tenantId,
    days: 365,
    products: 120,
    onProgress: (done, total, sales) => {
      if (done === total || Date.now() - lastLogged > 5000) {
        lastLogged = Date.now();
        logger.info(`demo data: day ${done}/${total}, ${sales} sales`);
      }
    },
  }).then(
    async (summary) => {
      await deps.cache.invalidateTenant(tenantId);
      logger.info(summary, 'demo data ready');
    },
    (error: unknown) => logger.error({ err: error }, 'demo data could not be written; the demo login still works'),
  );
  return { seeding };
}
