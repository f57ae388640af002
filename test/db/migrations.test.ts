import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations, createMigration, DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, MigrationError } from '../../src/db/migrate.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../helpers/database.ts';

const BROKEN = '20990101000000_broken';

async function migrationNames(dir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** A copy of prisma/migrations plus one migration that creates a table, then fails. */
async function migrationsWithBrokenOne(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stock-migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  await mkdir(join(dir, BROKEN));
  await writeFile(join(dir, BROKEN, 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
  return dir;
}

async function tableExists(t: TestDatabase, table: string): Promise<boolean> {
  const [row] = await t.db.prisma.$queryRawUnsafe<Array<{ name: string | null }>>(`SELECT to_regclass($1)::text AS name`, table);
  return row?.name != null;
}

describe('database', () => {
  describe.each(drivers)('migrations on %s', (driver) => {
    let t: TestDatabase;
    let brokenDir: string;

    beforeAll(async () => {
      t = await createTestDatabase(driver, { migrate: false });
      brokenDir = await migrationsWithBrokenOne();
    }, 180_000);
    afterAll(async () => {
      await t?.drop();
      if (brokenDir) await rm(brokenDir, { recursive: true, force: true });
    });

    it('applies every migration of prisma/migrations to an empty database', { timeout: 120_000 }, async () => {
      const { applied } = await applyMigrations(t.db);
      expect(applied).toEqual(await migrationNames());
      expect(await tableExists(t, 'products')).toBe(true);
    });

    it('records each applied migration in _prisma_migrations with the sha256 of its SQL, as the Prisma CLI does', async () => {
      const rows = await t.db.prisma.$queryRawUnsafe<
        Array<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>
      >('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
      const expected = await Promise.all(
        (await migrationNames()).map(async (name) => ({
          migration_name: name,
          checksum: createHash('sha256')
            .update(await readFile(join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql')))
            .digest('hex'),
          applied_steps_count: 1,
        })),
      );
      expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
      expect(rows.map(({ migration_name, checksum, applied_steps_count }) => ({ migration_name, checksum, applied_steps_count }))).toEqual(
        expected,
      );
    });

    it('applies nothing the second time', async () => {
      expect(await applyMigrations(t.db)).toEqual({ applied: [] });
    });

    it('names the migration that fails and leaves no part of it behind', async () => {
      const error = await applyMigrations(t.db, undefined, { migrationsDir: brokenDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe(BROKEN);
      expect((error as MigrationError).message).toMatch(new RegExp(`^Migration ${BROKEN} failed: .*no_such_table.*$`));
      expect(await tableExists(t, 'half_done')).toBe(false);
      const rows = await t.db.prisma.$queryRawUnsafe<unknown[]>('SELECT 1 FROM _prisma_migrations WHERE migration_name = $1', BROKEN);
      expect(rows).toEqual([]);
    });

    it('still applies nothing after a failed run', async () => {
      expect(await applyMigrations(t.db)).toEqual({ applied: [] });
    });
  });

  // Only a server has more than one connection: PGlite runs one instance in one process.
  describe('concurrent start on the PostgreSQL server', () => {
    it('applies each migration once when two instances start at the same time', { timeout: 120_000 }, async () => {
      const fresh = await createTestDatabase('postgresql', { migrate: false });
      const other = await createDatabase({ databaseUrl: fresh.databaseUrl });
      try {
        const [a, b] = await Promise.all([applyMigrations(fresh.db), applyMigrations(other)]);
        expect([...a.applied, ...b.applied].sort()).toEqual(await migrationNames());
        const rows = await fresh.db.prisma.$queryRawUnsafe<unknown[]>('SELECT 1 FROM _prisma_migrations');
        expect(rows).toHaveLength((await migrationNames()).length);
      } finally {
        await other.close();
        await fresh.drop();
      }
    });
  });

  // createMigration never touches the app's database (the diff runs on a scratch PGlite),
  // so these do not repeat per driver. Starting PGlite is slow on a busy machine.
  describe('migration files', { timeout: 240_000 }, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'stock-create-migration-'));
      await cp(DEFAULT_MIGRATIONS_DIR, join(dir, 'migrations'), { recursive: true });
      const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
      await writeFile(
        join(dir, 'schema.prisma'),
        `${schema}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  body String\n\n  @@map("notes")\n}\n`,
      );
    }, 180_000);
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('creates no migration when prisma/schema.prisma matches the migrations (CHECK constraints are invisible to the diff)', async () => {
      expect(await createMigration('nothing_to_do')).toBeNull();
    });

    it('writes <timestamp>_<name>/migration.sql with the SQL for a schema change, in Prisma layout', async () => {
      const options = {
        migrationsDir: join(dir, 'migrations'),
        schemaPath: join(dir, 'schema.prisma'),
        now: new Date('2099-02-03T04:05:06Z'),
      };
      const path = await createMigration('add_notes', undefined, options);
      expect(path).toBe(join(dir, 'migrations', '20990203040506_add_notes', 'migration.sql'));
      const sql = await readFile(path!, 'utf8');
      expect(sql).toContain('CREATE TABLE "notes"');
      expect(sql).not.toContain('products');
      expect(await readFile(join(dir, 'migrations', 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
      // The new migration is now part of the history: nothing more to create.
      expect(await createMigration('again', undefined, options)).toBeNull();
    });

    it('refuses a migration name that is not lower-case letters, digits and _', async () => {
      await expect(createMigration('Add-Notes', undefined, { migrationsDir: join(dir, 'migrations') })).rejects.toThrow(
        /Invalid migration name/,
      );
    });
  });
});
