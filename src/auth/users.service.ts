import type { PrismaClient } from '../generated/prisma/client.ts';
import { forTenant } from '../db/tenant-scope.ts';
import type { TenantTransaction } from '../db/unit-of-work.ts';
import { isUniqueViolation, ConflictError } from '../db/errors.ts';
import { hashPassword } from './password.ts';
import { assertUsablePassword } from './password-policy.ts';
import { NewUserSchema, type NewUser } from './users.schema.ts';
import { parseInput } from '../db/input.ts';

export interface CreatedUser {
  id: number;
  tenantId: number;
  email: string;
  role: string;
}

export interface NewUserOptions {
  mustChangePassword?: boolean;
  /** Told when the email is taken (by anyone, in any business). */
  takenMessage?: string;
}

/** Create a user of a tenant; the email must be new to the whole app (sign-in is by email). */
export async function createUser(
  prisma: PrismaClient,
  tenantId: number,
  input: NewUser,
  options: NewUserOptions = {},
): Promise<CreatedUser> {
  const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { name: true } });
  const parsed = NewUserSchema.safeParse(input);
  // A password the person chose: not guessable, not their email or the business's name.
  if (parsed.success) assertUsablePassword(parsed.data.password, { email: parsed.data.email, businessName: tenant?.name }, 'password');
  return createUserWithScope(forTenant(prisma, tenantId), input, options);
}

/** The same, through a tenant-scoped client (the tenant comes from the scope). */
export async function createUserWithScope(
  db: Pick<TenantTransaction, 'user'>,
  input: NewUser,
  options: NewUserOptions = {},
): Promise<CreatedUser> {
  const { email, password, role, name } = parseInput(NewUserSchema, input, 'The user is not valid.');
  const passwordHash = await hashPassword(password);
  try {
    return await db.user.create({
      // tenantId is filled in by the scope; the cast is for Prisma's input type only.
      data: { email, name, role, passwordHash, mustChangePassword: options.mustChangePassword ?? false } as Parameters<
        TenantTransaction['user']['create']
      >[0]['data'],
      select: { id: true, tenantId: true, email: true, role: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const message = options.takenMessage ?? 'That email address already has an account.';
      throw new ConflictError(message, { email: message });
    }
    throw error;
  }
}
