import { z } from 'zod';
import { EmailSchema, RoleSchema } from './users.schema.ts';

export const InviteUserSchema = z.object({
  email: EmailSchema,
  name: z.string().trim().max(120, 'Name must be at most 120 characters').default(''),
  role: RoleSchema,
});
export type InviteUser = z.infer<typeof InviteUserSchema>;

export const ChangeRoleSchema = z.object({ role: RoleSchema });

export const RequireTwoFactorSchema = z.object({ require2fa: z.enum(['on', 'off'], { error: 'Choose on or off' }) });

/** A numeric id from the URL; anything else is a page that does not exist. */
export const IdParamSchema = z.coerce.number().int().positive().max(2_147_483_647);
