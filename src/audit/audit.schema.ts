import { z } from 'zod';
import { AuditKind } from '../generated/prisma/enums.ts';
import { dayField, idField } from '../db/fields.ts';

// The audit page's query string: who, what kind, from–to (the business's days), page. A bad
// value is dropped and reported beside its filter, never a 500 (as the other list pages).

const page = z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1), z.number().int().min(1)).catch(1);

export const AuditQuerySchema = z.object({
  user: idField('Choose a user from the list').optional(),
  kind: z.enum(AuditKind, { error: 'Choose a kind of change from the list' }).optional(),
  from: dayField('From').optional(),
  to: dayField('To').optional(),
  page,
});

export type AuditQuery = z.output<typeof AuditQuerySchema>;
