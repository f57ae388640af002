import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { freePort } from '../helpers/redis-server.ts';

// The PostgreSQL step of the second README command (scripts/ci-postgres.sh) on a machine
// where `apt-get install postgresql` just made Debian's cluster: stood in for here by a
// cluster initdb'd with the authentication Debian's pg_createcluster gives it (peer on the
// socket, scram-sha-256 on 127.0.0.1), so the tests' password-less `postgres` is refused.
// The step must still give the tests a database they can create, migrate and use.

const bin = readdirSync('/usr/lib/postgresql')
  .sort((a, b) => Number(a) - Number(b))
  .map((version) => `/usr/lib/postgresql/${version}/bin`)
  .at(-1)!;
const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

/** A PostgreSQL binary as the cluster's owner (PostgreSQL refuses to run as root). */
function asClusterOwner(command: string[]): ReturnType<typeof spawnSync> {
  const [file, ...args] = [...asOwner, ...command] as [string, ...string[]];
  return spawnSync(file, args, { encoding: 'utf8' });
}

function run(command: string[]): void {
  const result = asClusterOwner(command);
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed:\n${String(result.stdout)}${String(result.stderr)}`);
}

/** The step's environment: none of the suite's own database settings (ci.sh may have set them). */
const stepEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...extra });

const STEP =
  'set -euo pipefail; log() { printf "%s\\n" "$*" >&2; }; source scripts/ci-postgres.sh; ci_test_database; printf "URL=%s DIR=%s\\n" "$TEST_DATABASE_ADMIN_URL" "${CI_PG_DIR:-}"';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('second command, PostgreSQL step', { timeout: 120_000 }, () => {
  let debianDir: string;
  let debianPort: number;

  beforeAll(async () => {
    debianDir = mkdtempSync(path.join(tmpdir(), 'stock-debian-like-pg-'));
    if (asOwner.length) spawnSync('chown', ['postgres:', debianDir]);
    debianPort = await freePort();
    run([
      `${bin}/initdb`,
      '-D',
      `${debianDir}/data`,
      '-U',
      'postgres',
      '--auth-local=peer',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    run([
      `${bin}/pg_ctl`,
      '-D',
      `${debianDir}/data`,
      '-l',
      `${debianDir}/server.log`,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${debianPort} -c listen_addresses=127.0.0.1 -k ${debianDir}`,
      'start',
    ]);
  }, 120_000);
  afterAll(() => {
    if (debianDir) {
      asClusterOwner([`${bin}/pg_ctl`, '-D', `${debianDir}/data`, '-m', 'immediate', '-w', 'stop']);
      rmSync(debianDir, { recursive: true, force: true });
    }
  });

  it('on a fresh Debian cluster that wants a password, starts its own trusting cluster, which the tests use and which is gone when the command ends', async () => {
    expect(await canConnect(`postgresql://postgres@127.0.0.1:${debianPort}/postgres`)).toBe(false);

    // The step runs in a shell that stays alive (as ci.sh does while the suite runs) until its stdin closes.
    const shell: ChildProcess = spawn('bash', ['-c', `${STEP}; read -r _ || true`], {
      env: stepEnv({ CI_PG_PORT: String(debianPort) }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => shell.once('exit', resolve));
    const line = await new Promise<string>((resolve, reject) => {
      shell.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        const found = /URL=(\S+) DIR=(\S+)/.exec(stdout);
        if (found) resolve(found[0]);
      });
      void exited.then((code) => reject(new Error(`the step exited with ${code}:\n${stderr}`)));
    });
    const [, adminUrl, clusterDir] = /URL=(\S+) DIR=(\S+)/.exec(line)!;
    expect(stderr).toMatch(/does not let postgres in without a password: starting a test cluster/);
    const own = new URL(adminUrl!);
    expect(own.hostname).toBe('127.0.0.1');
    expect(own.port).not.toBe(String(debianPort));

    // What test/helpers/database.ts does with TEST_DATABASE_ADMIN_URL: a new database, migrated, used.
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE stock_test_ci_step');
    const url = new URL(adminUrl!);
    url.pathname = '/stock_test_ci_step';
    const db = await createDatabase({ databaseUrl: url.toString() });
    await applyMigrations(db);
    expect(await db.prisma.tenant.count()).toBe(0);
    await db.close();
    await admin.query('DROP DATABASE stock_test_ci_step WITH (FORCE)');
    await admin.end();

    // A server that already trusts postgres is used as it is: no second cluster.
    const again = spawnSync('bash', ['-c', STEP], { env: stepEnv({ CI_PG_PORT: own.port }), encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`URL=postgresql://postgres@127.0.0.1:${own.port}/postgres`);
    expect(again.stderr).not.toMatch(/starting a test cluster/);

    shell.stdin!.end();
    expect(await exited).toBe(0);
    expect(existsSync(clusterDir!)).toBe(false);
    expect(await canConnect(adminUrl!)).toBe(false);
  });

  it('leaves a TEST_DATABASE_ADMIN_URL that is already set alone', () => {
    const preset = 'postgresql://someone@127.0.0.1:1/elsewhere';
    const result = spawnSync('bash', ['-c', STEP], {
      env: stepEnv({ CI_PG_PORT: String(debianPort), TEST_DATABASE_ADMIN_URL: preset }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`URL=${preset} DIR=`);
  });
});
