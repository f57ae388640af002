import type { Router } from 'express';
import { auditRouter } from './audit.router.ts';
import { AuditService } from './audit.service.ts';

export { AuditService } from './audit.service.ts';

/** The owners' audit log page (entries are written by the changes themselves, src/db/audit-log.ts). */
export function createAudit(): { audit: AuditService; router: Router } {
  const audit = new AuditService();
  return { audit, router: auditRouter({ audit }) };
}
