import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant, scopeArgs, TenantScopeError } from '../../src/db/tenant-scope.ts';
import type { Database } from '../../src/db/client.ts';
import { createTestDatabase, drivers } from '../helpers/database.ts';

// Building a migrated database and the app can be slow on a loaded machine.
const HOOK_TIMEOUT_MS = 180_000;

describe('forTenant', () => {
  describe('scopeArgs', () => {
    it('adds the tenant to every read, update and delete', () => {
      for (const op of [
        'findUnique',
        'findUniqueOrThrow',
        'findFirst',
        'findFirstOrThrow',
        'findMany',
        'count',
        'aggregate',
        'groupBy',
        'update',
        'updateMany',
        'updateManyAndReturn',
        'delete',
        'deleteMany',
      ]) {
        expect(scopeArgs('Product', op, { where: { id: 5 } }, 7).where, op).toEqual({ id: 5, tenantId: 7 });
        expect(scopeArgs('Product', op, {}, 7).where, op).toEqual({ tenantId: 7 });
      }
    });

    it('adds the tenant to every created row, single or many', () => {
      expect(scopeArgs('Category', 'create', { data: { name: 'a' } }, 7).data).toEqual({ name: 'a', tenantId: 7 });
      for (const op of ['createMany', 'createManyAndReturn']) {
        expect(scopeArgs('Category', op, { data: [{ name: 'a' }, { name: 'b' }] }, 7).data).toEqual([
          { name: 'a', tenantId: 7 },
          { name: 'b', tenantId: 7 },
        ]);
      }
      const upsert = scopeArgs('Unit', 'upsert', { where: { id: 1 }, create: { code: 'kg' }, update: { name: 'x' } }, 7);
      expect(upsert.where).toEqual({ id: 1, tenantId: 7 });
      expect(upsert.create).toEqual({ code: 'kg', tenantId: 7 });
    });

    it('throws on a query that names another tenant', () => {
      const attempts: Array<[string, Record<string, unknown>]> = [
        ['findMany', { where: { tenantId: 8 } }],
        ['findMany', { where: { tenantId: { in: [7, 8] } } }],
        ['findUnique', { where: { tenantId_name: { tenantId: 8, name: 'x' } } }],
        ['create', { data: { tenantId: 8, name: 'x' } }],
        ['create', { data: { name: 'x', tenant: { connect: { id: 8 } } } }],
        ['createMany', { data: [{ name: 'a' }, { tenantId: 8, name: 'b' }] }],
        ['update', { where: { id: 1 }, data: { tenantId: 8 } }],
        ['updateMany', { data: { tenant: { connect: { id: 8 } } } }],
        ['upsert', { where: { id: 1 }, create: { name: 'x' }, update: { tenantId: 8 } }],
        ['deleteMany', { where: { tenantId: 8 } }],
      ];
      for (const [op, args] of attempts)
        expect(() => scopeArgs('Category', op, args, 7), `${op} ${JSON.stringify(args)}`).toThrow(TenantScopeError);
    });

    it('confines the Tenant model to the tenant itself and refuses infrastructure models', () => {
      expect(scopeArgs('Tenant', 'findUnique', { where: { id: 7 } }, 7).where).toEqual({ id: 7 });
      expect(scopeArgs('Tenant', 'findMany', {}, 7).where).toEqual({ id: 7 });
      expect(() => scopeArgs('Tenant', 'findUnique', { where: { id: 8 } }, 7)).toThrow(TenantScopeError);
      for (const op of ['create', 'delete', 'deleteMany', 'upsert']) expect(() => scopeArgs('Tenant', op, {}, 7)).toThrow(TenantScopeError);
      expect(() => scopeArgs('Session', 'findMany', {}, 7)).toThrow(TenantScopeError);
    });
  });

  describe.each(drivers)('on %s', (driver) => {
    let database: { db: Database; drop(): Promise<void> };
    let a: number;
    let b: number;
    let unitB: number;

    beforeAll(async () => {
      database = await createTestDatabase(driver);
      const { prisma } = database.db;
      a = (await prisma.tenant.create({ data: { name: 'A' } })).id;
      b = (await prisma.tenant.create({ data: { name: 'B' } })).id;
      for (const tenantId of [a, b]) {
        const unit = await prisma.unit.create({ data: { tenantId, code: 'kg', name: 'Kilogram' } });
        if (tenantId === b) unitB = unit.id;
        await prisma.category.createMany({
          data: [
            { tenantId, name: 'Tools' },
            { tenantId, name: 'Paint' },
          ],
        });
      }
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await database?.drop();
    });

    it('reads only its own rows', async () => {
      const db = forTenant(database.db.prisma, a);
      const categories = await db.category.findMany();
      expect(categories).toHaveLength(2);
      expect(categories.every((c) => c.tenantId === a)).toBe(true);
      expect(await db.category.count()).toBe(2);
      expect(await db.unit.findUnique({ where: { id: unitB } })).toBeNull();
      expect(await db.unit.findFirst({ where: { code: 'kg' } })).toMatchObject({ tenantId: a });
      expect((await db.tenant.findMany()).map((t) => t.id)).toEqual([a]);
    });

    it("cannot update or delete another tenant's row, and creates rows in its own tenant", async () => {
      const db = forTenant(database.db.prisma, a);
      await expect(db.unit.update({ where: { id: unitB }, data: { name: 'hacked' } })).rejects.toThrow();
      expect((await db.unit.updateMany({ where: { id: unitB }, data: { name: 'hacked' } })).count).toBe(0);
      expect((await db.unit.deleteMany({ where: { id: unitB } })).count).toBe(0);
      const created = await db.category.create({ data: { name: 'Garden' } as never });
      expect(created.tenantId).toBe(a);
      const unchanged = await database.db.prisma.unit.findUniqueOrThrow({ where: { id: unitB } });
      expect(unchanged.name).toBe('Kilogram');
    });

    it('stays scoped inside an interactive transaction', async () => {
      const db = forTenant(database.db.prisma, a);
      const names = await db.$transaction(async (tx) =>
        (await tx.category.findMany({ orderBy: { name: 'asc' } })).map((c) => `${c.tenantId}:${c.name}`),
      );
      expect(names.every((n) => n.startsWith(`${a}:`))).toBe(true);
      await expect(db.$transaction(async (tx) => tx.category.findMany({ where: { tenantId: b } }))).rejects.toThrow(TenantScopeError);
    });

    it('throws when a query names another tenant', async () => {
      const db = forTenant(database.db.prisma, a);
      await expect(db.category.findMany({ where: { tenantId: b } })).rejects.toThrow(TenantScopeError);
      await expect(db.category.create({ data: { tenantId: b, name: 'X' } })).rejects.toThrow(TenantScopeError);
      await expect(db.tenant.update({ where: { id: b }, data: { name: 'X' } })).rejects.toThrow(TenantScopeError);
      expect(() => forTenant(database.db.prisma, 0)).toThrow(TenantScopeError);
    });
  });
});
