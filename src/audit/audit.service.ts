import { assertCan } from '../auth/index.ts';
import type { Scope } from '../db/scope.ts';
import type { AuditKind, Prisma } from '../generated/prisma/client.ts';
import { dayRange } from '../time.ts';
import { AuditQuerySchema, type AuditQuery } from './audit.schema.ts';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditRow {
  id: number;
  kind: AuditKind;
  subject: string;
  before: Prisma.JsonValue;
  after: Prisma.JsonValue;
  createdAt: Date;
  user: { id: number; email: string; name: string } | null;
}

export interface AuditPage {
  query: AuditQuery;
  /** Filter → message for a value that was dropped. */
  errors: Record<string, string>;
  rows: AuditRow[];
  total: number;
  page: number;
  pages: number;
  users: Array<{ id: number; email: string; name: string }>;
}

const FILTERS = ['user', 'kind', 'from', 'to'] as const;

/**
 * The owners' view of the audit log: newest first, filtered by who, kind and the business's
 * days, paged. Reading is all it offers: entries are only written by the changes themselves
 * (src/audit/audit-log.ts).
 */
export class AuditService {
  async list(actor: Scope, rawQuery: unknown, timeZone: string): Promise<AuditPage> {
    assertCan(actor, 'audit.see');
    const { query, errors } = parseQuery(rawQuery);
    if (query.from && query.to && query.from > query.to) errors.to = 'To must be on or after From';
    const range = errors.to ? undefined : dayRange(timeZone, query.from, query.to);
    const where: Prisma.AuditEntryWhereInput = {
      ...(query.user ? { userId: query.user } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(range ? { createdAt: range } : {}),
    };
    const [total, users] = await Promise.all([
      actor.db.auditEntry.count({ where }),
      actor.db.user.findMany({ orderBy: { email: 'asc' }, select: { id: true, email: true, name: true } }),
    ]);
    const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
    const page = Math.min(query.page, pages);
    const rows = await actor.db.auditEntry.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        subject: true,
        before: true,
        after: true,
        createdAt: true,
        user: { select: { id: true, email: true, name: true } },
      },
    });
    return { query: { ...query, page }, errors, rows, total, page, pages, users };
  }
}

/** Each filter on its own: a bad one is dropped with its message, the others still apply. */
function parseQuery(raw: unknown): { query: AuditQuery; errors: Record<string, string> } {
  const q = (raw ?? {}) as Record<string, unknown>;
  const single = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]));
  const errors: Record<string, string> = {};
  const kept: Record<string, unknown> = { page: single.page };
  for (const key of FILTERS) {
    if (single[key] === undefined) continue;
    const one = AuditQuerySchema.shape[key].safeParse(single[key]);
    if (one.success) kept[key] = one.data;
    else errors[key] = one.error.issues[0]?.message ?? 'Not a valid filter';
  }
  return { query: AuditQuerySchema.parse(kept), errors };
}

/** The current filters as a query string with `page` replaced (pagination links). */
export function auditPageLink(q: AuditQuery, pageNo: number): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (q[key] !== undefined) params.set(key, String(q[key]));
  if (pageNo > 1) params.set('page', String(pageNo));
  const s = params.toString();
  return `/settings/audit${s ? `?${s}` : ''}`;
}
