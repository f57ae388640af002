import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { cli } from '../helpers/cli.ts';

const HOOK_TIMEOUT_MS = 180_000;

// Each case spawns the CLI (node and a database connection): slow on a loaded machine.
describe('cli', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    env = { DATABASE_URL: database.databaseUrl!, CACHE_KEY_PREFIX: `cli${Date.now().toString(36)}` };
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await database?.drop();
  });

  describe('wrong calls', () => {
    it('prints the list of commands and exits 2 with no command', async () => {
      const run = await cli([], env);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('usage: npm run cli -- <command>');
      expect(run.stdout).toContain('tenant:create');
    });

    it('names an unknown command and exits 2', async () => {
      const run = await cli(['tenant:destroy'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Unknown command "tenant:destroy"');
    });

    it('lists the missing options with the usage and exits 2', async () => {
      const run = await cli(['tenant:create', '--name', 'Shop'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Missing --owner-email, --owner-password');
      expect(run.stderr).toContain('usage: npm run cli -- tenant:create');
    });

    it('rejects an unknown option and exits 2', async () => {
      const run = await cli(['demo:seed', '--colour', 'red'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Unknown option '--colour'/);
    });

    it('rejects a non-numeric --days with the usage', async () => {
      const run = await cli(['demo:seed', '--days', 'abc'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--days must be a positive whole number');
    });
  });

  describe('tenant:create and user:create', () => {
    it('creates a business with its owner, then refuses the same owner email', async () => {
      const args = ['tenant:create', '--name', 'Corner Shop', '--owner-email', 'Owner@Corner.test', '--owner-password', 'long-enough-pw'];
      const first = await cli(args, env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Created tenant \d+ with owner owner@corner\.test/);
      const owner = await database.db.prisma.user.findUniqueOrThrow({ where: { email: 'owner@corner.test' } });
      expect(owner.role).toBe('owner');
      expect(owner.passwordHash).toMatch(/^\$argon2id\$/);

      const again = await cli(args, env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('That email address already has an account.');
      expect(await database.db.prisma.tenant.count({ where: { name: 'Corner Shop' } })).toBe(1);
    });

    it('adds a user, and explains a bad role or a short password without writing', async () => {
      const tenant = await database.db.prisma.tenant.findFirstOrThrow({ where: { name: 'Corner Shop' } });
      const ok = await cli(
        ['user:create', '--tenant', String(tenant.id), '--email', 'clerk@corner.test', '--password', 'another-long-pw', '--role', 'staff'],
        env,
      );
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/Created user \d+ clerk@corner\.test \(staff\)/);

      const bad = await cli(
        ['user:create', '--tenant', String(tenant.id), '--email', 'boss@corner.test', '--password', 'short', '--role', 'king'],
        env,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('password: Password must be at least 10 characters');
      expect(bad.stderr).toContain('role: Role must be owner, manager or staff');
      expect(await database.db.prisma.user.count({ where: { email: 'boss@corner.test' } })).toBe(0);

      const noTenant = await cli(
        ['user:create', '--tenant', '999999', '--email', 'x@corner.test', '--password', 'another-long-pw', '--role', 'staff'],
        env,
      );
      expect(noTenant.code).toBe(1);
      expect(noTenant.stderr).toContain('There is no tenant 999999');
    });

    it('refuses a guessable password, or one containing the email, and writes nothing', async () => {
      const tenant = await database.db.prisma.tenant.findFirstOrThrow({ where: { name: 'Corner Shop' } });
      const common = await cli(
        ['user:create', '--tenant', String(tenant.id), '--email', 'till@corner.test', '--password', 'password123', '--role', 'staff'],
        env,
      );
      expect(common.code).toBe(1);
      expect(common.stderr).toContain('password: That password is too easy to guess');
      const own = await cli(
        ['tenant:create', '--name', 'Shop Two', '--owner-email', 'two@shop.test', '--owner-password', 'two@shop.test'],
        env,
      );
      expect(own.code).toBe(1);
      expect(own.stderr).toContain('ownerPassword: Do not use your email address or the business name in your password');
      expect(await database.db.prisma.user.count({ where: { email: { in: ['till@corner.test', 'two@shop.test'] } } })).toBe(0);
    });

    it('seals every two-factor secret with the current key (totp:reseal)', async () => {
      const user = await database.db.prisma.user.findFirstOrThrow({ where: { email: 'clerk@corner.test' } });
      await database.db.prisma.user.update({ where: { id: user.id }, data: { totpSecret: 'JBSWY3DPEHPK3PXP', totpEnabled: true } });
      const run = await cli(['totp:reseal'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Resealed 1 of 1 two-factor secret\(s\) with key /);
      expect((await database.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret).toMatch(/^totp1:/);
    });
  });

  describe('demo:seed', () => {
    it('fills a business with products, customers, sales and payments, with a progress line, keeping the ledger exact', async () => {
      const tenant = await database.db.prisma.tenant.findFirstOrThrow({ where: { name: 'Corner Shop' } });
      const run = await cli(['demo:seed', '--tenant', String(tenant.id), '--days', '20', '--products', '12'], env);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Seeding tenant \d+: day 20\/20 \(100%\)/);
      expect(run.stdout).toMatch(/Seeded tenant \d+ in [\d.]+ s: 12 products/);
      const prisma = database.db.prisma;
      expect(await prisma.product.count({ where: { tenantId: tenant.id } })).toBe(12);
      expect(await prisma.sale.count({ where: { tenantId: tenant.id } })).toBeGreaterThan(50);
      expect(await prisma.payment.count({ where: { tenantId: tenant.id } })).toBeGreaterThan(0);
      const products = await prisma.product.findMany({ where: { tenantId: tenant.id }, select: { id: true, quantityOnHand: true } });
      for (const p of products) {
        const sum = await prisma.stockMovement.aggregate({ where: { tenantId: tenant.id, productId: p.id }, _sum: { quantity: true } });
        expect(sum._sum.quantity?.toString()).toBe(p.quantityOnHand.toString());
      }
      const verify = await cli(['balance:verify', '--tenant', String(tenant.id)], env);
      expect(verify.code).toBe(0);
    });
  });

  describe('cache commands', () => {
    it('clears and warms a tenant, and counts its keys', async () => {
      const tenant = await database.db.prisma.tenant.findFirstOrThrow({ where: { name: 'Corner Shop' } });
      const withRedis = { ...env, REDIS_URL: 'redis://127.0.0.1:6379' };
      const warm = await cli(['cache:warm', '--tenant', String(tenant.id)], withRedis);
      expect(warm.code).toBe(0);
      expect(warm.stdout).toContain(`Warmed tenant ${tenant.id}`);
      const keys = await cli(['cache:keys', '--tenant', String(tenant.id)], withRedis);
      expect(keys.code).toBe(0);
      expect(keys.stdout).toMatch(/uom\s+[1-9]/);
      const clear = await cli(['cache:clear', '--tenant', String(tenant.id), '--module', 'uom'], withRedis);
      expect(clear.code).toBe(0);
      expect(clear.stdout).toContain(`Cleared uom for tenant ${tenant.id}`);
      const badModule = await cli(['cache:clear', '--tenant', String(tenant.id), '--module', 'sessions'], withRedis);
      expect(badModule.code).toBe(2);
      expect(badModule.stderr).toContain('--module must be one of balance, products, categories, uom, profit');
      const status = await cli(['cache:status'], withRedis);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/status: ok/);
    });
  });

  describe('on the embedded database', () => {
    it('creates a business in a PGlite directory', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stock-cli-'));
      try {
        const run = await cli(
          ['tenant:create', '--name', 'Tiny', '--owner-email', 'tiny@shop.test', '--owner-password', 'long-enough-pw'],
          { PGLITE_DIR: dir },
        );
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/Created tenant 1 with owner tiny@shop\.test/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
