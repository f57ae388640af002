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
