import { z } from 'zod';
import { EmailSchema, RoleSchema, UserNameSchema } from './users.schema.ts';

export const InviteUserSchema = z.object({
  email: EmailSchema,
  name: UserNameSchema,
  role: RoleSchema,
});
export type InviteUser = z.infer<typeof InviteUserSchema>;

export const ChangeRoleSchema = z.object({ role: RoleSchema });

export const RequireTwoFactorSchema = z.object({ require2fa: z.enum(['on', 'off'], { error: 'Choose on or off' }) });

/** A numeric id from the URL, digits only ("7.0" or "0x7" is not 7); anything else is a page that does not exist. */
export const IdParamSchema = z
  .string()
  .regex(/^\d{1,10}$/)
  .transform(Number)
  .pipe(z.number().int().positive().max(2_147_483_647));
