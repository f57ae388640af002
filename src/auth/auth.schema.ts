import { z } from 'zod';
import { hasControlCharacters } from '../db/fields.ts';
import { EmailSchema, PasswordSchema } from './users.schema.ts';

// Sign-in forms. The password is not checked for length here: any typed password is
// compared, and a wrong one gets the same generic message as an unknown email.

export const LoginSchema = z.object({
  email: z
    .string({ error: 'Enter your email' })
    .trim()
    .min(1, 'Enter your email')
    .max(254, 'Email is too long')
    .refine((v) => !hasControlCharacters(v), 'Enter a valid email address'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(200, 'Password is too long'),
});

export const SecondFactorSchema = z.object({
  code: z.string({ error: 'Enter the code' }).trim().min(1, 'Enter the code').max(40, 'That code is too long'),
});

export const ChangePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: 'Enter your current password' })
      .min(1, 'Enter your current password')
      .max(200, 'Password is too long'),
    newPassword: PasswordSchema,
    confirmPassword: z.string({ error: 'Repeat the new password' }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords do not match' })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ['newPassword'],
    message: 'Choose a password different from the current one',
  });

export const EnableTotpSchema = z.object({
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(200, 'Password is too long'),
  code: z
    .string({ error: 'Enter the 6-digit code from your app' })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, 'Enter the 6-digit code from your app'),
});

export const DisableTotpSchema = z.object({
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(200, 'Password is too long'),
});

/**
 * "Forgot password": an address as accounts are made with. Text that cannot be one (a typo
 * without "@") is told so, rather than answered "we have sent a link" that never comes; the
 * shape of what was typed says nothing about which accounts exist.
 */
export const ForgotPasswordSchema = z.object({ email: EmailSchema });

/** Choosing a password through an invitation or reset link. */
export const SetPasswordSchema = z.object({
  password: PasswordSchema,
  confirmPassword: z.string({ error: 'Repeat the password' }).max(200, 'Password is too long'),
});
