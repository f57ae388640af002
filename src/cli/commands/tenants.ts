import type { Command } from '../command.ts';
import { requirePositiveInt } from '../command.ts';
import { requireTenant } from '../../db/scope.ts';
import { createTenant } from '../../settings/index.ts';
import { createUser } from '../../auth/index.ts';
import type { RoleName } from '../../auth/index.ts';

export const tenantCreate: Command = {
  name: 'tenant:create',
  summary: 'Create a business and its first owner',
  options: {
    name: { type: 'string', required: true, description: 'business name' },
    'owner-email': { type: 'string', required: true, description: "owner's email (their login)" },
    'owner-password': { type: 'string', required: true, description: "owner's password (10+ characters)" },
    currency: { type: 'string', description: 'ISO currency code (USD)' },
    'time-zone': { type: 'string', description: 'IANA time zone (UTC)' },
  },
  async run(ctx, v) {
    const db = await ctx.database();
    const created = await createTenant(db.prisma, {
      name: String(v.name),
      ownerEmail: String(v['owner-email']),
      ownerPassword: String(v['owner-password']),
      ...(v.currency ? { currency: String(v.currency) } : {}),
      ...(v['time-zone'] ? { timeZone: String(v['time-zone']) } : {}),
    });
    ctx.out(`Created tenant ${created.tenantId} with owner ${created.ownerEmail} (user ${created.ownerId})`);
  },
};

export const userCreate: Command = {
  name: 'user:create',
  summary: 'Add a user to a business',
  options: {
    tenant: { type: 'string', required: true, description: 'tenant id' },
    email: { type: 'string', required: true, description: 'email (their login)' },
    password: { type: 'string', required: true, description: 'password (10+ characters)' },
    role: { type: 'string', required: true, description: 'owner, manager or staff' },
    name: { type: 'string', description: 'display name' },
  },
  async run(ctx, v) {
    const tenantId = requirePositiveInt(v.tenant, 'tenant');
    const db = await ctx.database();
    await requireTenant(db.prisma, tenantId);
    const user = await createUser(db.prisma, tenantId, {
      email: String(v.email),
      password: String(v.password),
      role: String(v.role) as RoleName,
      name: v.name ? String(v.name) : '',
    });
    ctx.out(`Created user ${user.id} ${user.email} (${user.role}) in tenant ${tenantId}`);
  },
};
