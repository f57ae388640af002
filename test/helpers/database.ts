import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database, type Driver } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

// A fresh, migrated database per caller: PGlite in memory, or a new database on the
// PostgreSQL server of TEST_DATABASE_ADMIN_URL (default: the local one, trust auth; the
// second README command sets it when it had to start a cluster of its own).

/** Run a suite against both drivers: `describe.each(drivers)('%s', (driver) => …)`. */
export const drivers = ['pglite', 'postgresql'] as const satisfies readonly Driver[];

export const TEST_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  /** Set for 'postgresql': the URL of the new database (for a child process). */
  databaseUrl?: string;
  /** Disconnect and throw the database away. */
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(driver: Driver, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = async (db: Database) => {
    if (options.migrate ?? true) await applyMigrations(db);
  };
  if (driver === 'pglite') {
    const db = await createDatabase({ pgliteDir: 'memory://' });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `stock_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const db = await createDatabase({ databaseUrl });
  const drop = async () => {
    await db.close().catch(() => {});
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  try {
    await migrate(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { db, databaseUrl, drop };
}
