import { z } from 'zod';
import { hasControlCharacters } from '../db/fields.ts';

export const roles = ['owner', 'manager', 'staff'] as const;
export type RoleName = (typeof roles)[number];

export const EmailSchema = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .min(3, 'Email is required')
  .max(254, 'Email is too long')
  .pipe(z.email({ error: 'Enter a valid email address' }));

export const PasswordSchema = z
  .string({ error: 'Password is required' })
  .min(10, 'Password must be at least 10 characters')
  .max(200, 'Password must be at most 200 characters');

/** A user's display name: optional, printable text. */
export const UserNameSchema = z
  .string({ error: 'Name must be text' })
  .trim()
  .max(120, 'Name must be at most 120 characters')
  .refine((v) => !hasControlCharacters(v), 'Name contains characters that are not allowed')
  .default('');

export const RoleSchema = z.enum(roles, { error: 'Role must be owner, manager or staff' });

export const NewUserSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  role: RoleSchema,
  name: UserNameSchema,
});
export type NewUser = z.input<typeof NewUserSchema>;
