import { Router } from 'express';
import { scopeOf } from '../http/request-scope.ts';
import { tenantOf } from '../http/view-locals.ts';
import { AUDIT_KINDS } from './audit-kinds.ts';
import { auditPageLink, type AuditService } from './audit.service.ts';

/** /settings/audit: the audit log for owners (the service refuses everyone else). */
export function auditRouter(deps: { audit: AuditService }): Router {
  const router = Router();
  router.get('/settings/audit', async (req, res) => {
    const result = await deps.audit.list(scopeOf(req), req.query, tenantOf(res).timeZone);
    const status = Object.keys(result.errors).length ? 400 : 200;
    res.status(status).render('settings/audit', {
      title: 'Audit log',
      ...result,
      q: result.query,
      kinds: AUDIT_KINDS,
      pageLink: (n: number) => auditPageLink(result.query, n),
      typed: Object.fromEntries(['user', 'kind', 'from', 'to'].map((k) => [k, typeof req.query[k] === 'string' ? req.query[k] : ''])),
    });
  });
  return router;
}
