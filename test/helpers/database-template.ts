import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { TEST_DATABASE_ADMIN_URL } from './database-admin.ts';

// Vitest global setup: migrate once per run, then every test database starts as a copy —
// CREATE DATABASE … TEMPLATE on the server, a dumped data directory for PGlite — instead
// of applying every migration again in each test file.

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplate: { postgresql: string; pgliteDump: string };
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `stock_template_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  const server = await createDatabase({ databaseUrl: url.toString() });
  try {
    await applyMigrations(server);
  } finally {
    await server.close();
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'stock-template-'));
  const pgliteDump = path.join(dir, 'pglite.tar');
  const embedded = await createDatabase({ pgliteDir: path.join(dir, 'data'), purpose: 'the test template' });
  try {
    await applyMigrations(embedded);
  } finally {
    await embedded.close();
  }
  const copy = new PGlite(path.join(dir, 'data'));
  try {
    await copy.waitReady;
    writeFileSync(pgliteDump, Buffer.from(await (await copy.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await copy.close();
  }

  project.provide('databaseTemplate', { postgresql: name, pgliteDump });
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
}
