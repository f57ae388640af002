import type { PrismaClient } from '../generated/prisma/client.ts';
import { isUniqueViolation, ConflictError, ValidationError } from '../db/errors.ts';
import { hashPassword, NewUserSchema, weakPasswordReason } from '../auth/index.ts';
import { fieldErrors } from '../db/input.ts';
import { NewTenantSchema } from './tenants.schema.ts';
import type { z } from 'zod';

export interface NewTenantInput extends z.input<typeof NewTenantSchema> {
  ownerEmail: string;
  ownerPassword: string;
}

/** A tenant and its first owner, in one statement (both or neither). */
export async function createTenant(
  prisma: PrismaClient,
  input: NewTenantInput,
): Promise<{ tenantId: number; ownerId: number; ownerEmail: string }> {
  const tenant = NewTenantSchema.safeParse(input);
  const owner = NewUserSchema.safeParse({ email: input.ownerEmail, password: input.ownerPassword, role: 'owner', name: 'Owner' });
  const weak = owner.success ? weakPasswordReason(owner.data.password, { email: owner.data.email, businessName: input.name }) : undefined;
  if (!tenant.success || !owner.success || weak) {
    const errors = {
      ...(tenant.success ? {} : fieldErrors(tenant.error)),
      ...(owner.success ? {} : prefixed(fieldErrors(owner.error))),
      ...(weak ? { ownerPassword: weak } : {}),
    };
    throw new ValidationError('The business is not valid.', errors);
  }
  const passwordHash = await hashPassword(owner.data.password);
  try {
    const created = await prisma.tenant.create({
      data: { ...tenant.data, users: { create: { email: owner.data.email, name: owner.data.name, role: 'owner', passwordHash } } },
      select: { id: true, users: { select: { id: true, email: true } } },
    });
    const user = created.users[0]!;
    return { tenantId: created.id, ownerId: user.id, ownerEmail: user.email };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('That email address already has an account.', { ownerEmail: 'That email address already has an account.' });
    throw error;
  }
}

function prefixed(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([k, v]) => [k === 'email' ? 'ownerEmail' : k === 'password' ? 'ownerPassword' : k, v]),
  );
}
