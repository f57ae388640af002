import { z } from 'zod';
import { dayField, hasControlCharacters, idField } from '../db/fields.ts';
import { parseInput } from '../db/input.ts';
import { PaymentMethod, SaleStatus } from '../generated/prisma/enums.ts';

// The query strings of the list pages (sales, customers, payments): filters and the page
// (ids in a URL are src/http/params.ts). A bad value is dropped (and reported), never a 500.

const page = z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1), z.number().int().min(1)).catch(1);

export const ListQuerySchema = z.object({
  from: dayField('From').optional().catch(undefined),
  to: dayField('To').optional().catch(undefined),
  customer: idField('Customer').optional().catch(undefined),
  status: z.enum(SaleStatus).optional().catch(undefined),
  method: z.enum(PaymentMethod).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(100)
    .refine((v) => !hasControlCharacters(v))
    .optional()
    .catch(undefined),
  page,
});

export type ListQuery = z.output<typeof ListQuerySchema>;

export function listQuery(query: unknown): ListQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const single = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]));
  return parseInput(ListQuerySchema, single);
}

/** The current filters as a query string, with `page` replaced (pagination links). */
export function withPage(q: ListQuery, pageNo: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'from', 'to', 'customer', 'status', 'method'] as const) {
    const v = q[key];
    if (v !== undefined && v !== '') params.set(key, String(v));
  }
  if (pageNo > 1) params.set('page', String(pageNo));
  const s = params.toString();
  return s ? `?${s}` : '';
}
