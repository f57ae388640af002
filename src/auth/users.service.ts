import type { PrismaClient } from '../generated/prisma/client.ts';
import { forTenant } from '../db/tenant-scope.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { hashPassword } from './password.ts';
import { NewUserSchema, type NewUser } from './users.schema.ts';
import { fieldErrors } from '../http/validation.ts';

export interface CreatedUser {
  id: number;
  tenantId: number;
  email: string;
  role: string;
}

/** Create a user of a tenant; the email must be new to the whole app (sign-in is by email). */
export async function createUser(prisma: PrismaClient, tenantId: number, input: NewUser, options: { mustChangePassword?: boolean } = {}): Promise<CreatedUser> {
  const parsed = NewUserSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('The user is not valid.', fieldErrors(parsed.error));
  const { email, password, role, name } = parsed.data;
  const passwordHash = await hashPassword(password);
  try {
    const user = await forTenant(prisma, tenantId).user.create({
      data: { tenantId, email, name, role, passwordHash, mustChangePassword: options.mustChangePassword ?? false },
      select: { id: true, tenantId: true, email: true, role: true },
    });
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('That email address already has an account.', { email: 'That email address already has an account.' });
    throw error;
  }
}
