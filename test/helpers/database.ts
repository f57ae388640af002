import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database, type Driver } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

// A fresh, migrated database per caller: PGlite in memory, or a new database on the
// PostgreSQL server of TEST_DATABASE_ADMIN_URL (default: the local one, trust auth; the
// second README command sets it when it had to start a cluster of its own).

/** Run a suite against both drivers: `describe.each(drivers)('%s', (driver) => …)`. */
export const drivers = ['pglite', 'postgresql'] as const satisfies readonly Driver[];

export { TEST_DATABASE_ADMIN_URL } from './database-admin.ts';
import { TEST_DATABASE_ADMIN_URL } from './database-admin.ts';

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

/** The migrated copies made by the global setup (database-template.ts), when running under it. */
function template(): { postgresql: string; pgliteDump: string } | undefined {
  try {
    return inject('databaseTemplate');
  } catch {
    return undefined; // outside a Vitest worker
  }
}

let pgliteDump: Blob | undefined;

export async function createTestDatabase(driver: Driver, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const copy = (options.migrate ?? true) ? template() : undefined;
  const migrate = async (db: Database) => {
    if ((options.migrate ?? true) && !copy) await applyMigrations(db);
  };
  if (driver === 'pglite') {
    if (copy) pgliteDump ??= new Blob([readFileSync(copy.pgliteDump)]);
    const db = await createDatabase({ pgliteDir: 'memory://', ...(copy ? { pgliteData: pgliteDump } : {}) });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `stock_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(copy ? `CREATE DATABASE "${name}" TEMPLATE "${copy.postgresql}"` : `CREATE DATABASE "${name}"`));
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
