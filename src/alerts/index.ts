import type { Router } from 'express';
import type { Core } from '../core.ts';
import { alertsRouter } from './alerts.router.ts';
import { AlertsService } from './alerts.service.ts';
import { LowStockDigest } from './low-stock-digest.ts';

export { AlertsService } from './alerts.service.ts';
export { LowStockDigest, type DigestOutcome } from './low-stock-digest.ts';

export interface AlertsServices {
  alerts: AlertsService;
  /** The daily low-stock e-mail to owners and managers who asked for it. */
  lowStockDigest: LowStockDigest;
}

/** E-mail alerts: the account page's choice (/account/alerts) and the daily low-stock digest. */
export function createAlerts(core: Pick<Core, 'config' | 'db' | 'tenantDb' | 'mailer' | 'logger'>): AlertsServices & { router: Router } {
  const alerts = new AlertsService();
  const lowStockDigest = new LowStockDigest({
    prisma: core.db.prisma,
    tenantDb: core.tenantDb,
    mailer: core.mailer,
    appUrl: core.config.appUrl,
    hour: core.config.lowStockDigest.hour,
    logger: core.logger,
  });
  const router = alertsRouter({ alerts, mailEnabled: core.mailer.enabled, hour: core.config.lowStockDigest.hour });
  return { alerts, lowStockDigest, router };
}
