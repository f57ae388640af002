import type { PrismaClient } from '../generated/prisma/client.ts';
import { forTenant } from '../db/tenant-scope.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
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
  return createUserWithScope(forTenant(prisma, tenantId), input, options);
}

/** The same, through a tenant-scoped client (the tenant comes from the scope). */
export async function createUserWithScope(db: Pick<TenantTransaction, 'user'>, input: NewUser, options: { mustChangePassword?: boolean } = {}): Promise<CreatedUser> {
  const parsed = NewUserSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('The user is not valid.', fieldErrors(parsed.error));
  const { email, password, role, name } = parsed.data;
  const passwordHash = await hashPassword(password);
  try {
    return await db.user.create({
      // tenantId is filled in by the scope; the cast is for Prisma's input type only.
      data: { email, name, role, passwordHash, mustChangePassword: options.mustChangePassword ?? false } as Parameters<TenantTransaction['user']['create']>[0]['data'],
      select: { id: true, tenantId: true, email: true, role: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('That email address already has an account.', { email: 'That email address already has an account.' });
    throw error;
  }
}
