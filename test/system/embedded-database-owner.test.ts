import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { cli, startCli } from '../helpers/cli.ts';
import { TestClient } from '../helpers/http-client.ts';

// The embedded database (PGlite in PGLITE_DIR) has one owner process. The real server and the
// real command line as child processes on one temporary directory: whichever comes second
// is refused at once with what to do, and a lock left by a killed process does not block.

const OWNER = 'owner@one-owner.test';
const PASSWORD = 'long-enough-pw';
const IN_USE =
  /The embedded database in .* is in use by (.+), process (\d+) since .*Only one process at a time may open it: stop that process \(Ctrl\+C in its terminal\) or wait for it to finish, then try again\..*DATABASE_URL/s;

async function signInStatus(server: ServerProcess, email: string): Promise<string> {
  const client = new TestClient(server.baseUrl);
  await client.get('/login');
  const res = await client.post('/login', { email, password: PASSWORD });
  return `${res.status} ${res.location ?? ''}`;
}

/** startServer, expecting it to exit before it is healthy: its output. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  try {
    const server = await startServer(env);
    await server.stop();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the second server started');
}

describe('one process per embedded database', { timeout: 240_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stock-owner-'));
    env = { PGLITE_DIR: path.join(dir, 'data') };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the command line refuses while the server runs; once it is stopped the owner it creates signs in on the next start', async () => {
    const server = await startServer(env);
    try {
      const refused = await cli(['tenant:create', '--name', 'One Owner', '--owner-email', OWNER, '--owner-password', PASSWORD], env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).not.toMatch(/Created tenant/);
      expect(refused.stderr).toMatch(IN_USE);
      expect(IN_USE.exec(refused.stderr)?.[1]).toBe('the Stock server');
      // Nothing was written behind the server's back: the owner does not exist.
      expect(await signInStatus(server, OWNER)).toMatch(/^401/);
      const second = await refusedStart(env);
      expect(second, 'a second npm start on the same directory').toMatch(IN_USE);
      expect(await signInStatus(server, OWNER), 'the first server still answers').toMatch(/^401/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(path.join(env.PGLITE_DIR!, 'stock.lock')), 'a clean stop releases the directory').toBe(false);

    const created = await cli(['tenant:create', '--name', 'One Owner', '--owner-email', OWNER, '--owner-password', PASSWORD], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/Created tenant \d+ with owner owner@one-owner\.test/);
    const again = await startServer(env);
    try {
      expect(await signInStatus(again, OWNER)).toBe('303 /');
    } finally {
      await again.stop();
    }
  });

  it('the server refuses to start while a command holds the directory, and starts once that command was killed', async () => {
    // A long demo seed holds the database; SIGSTOP keeps it holding (alive, not finishing)
    // for as long as the test needs, whatever the machine's speed.
    const seed = startCli(['demo:seed', '--tenant', '1', '--days', '3650'], env);
    await seed.stderrMatches(/Seeding tenant 1: day \d+/);
    seed.child.kill('SIGSTOP');
    try {
      const refused = await refusedStart(env);
      expect(refused).toMatch(IN_USE);
      expect(IN_USE.exec(refused)?.[1]).toBe('the command line (npm run cli -- demo:seed)');
      expect(IN_USE.exec(refused)?.[2]).toBe(String(seed.child.pid));
    } finally {
      seed.child.kill('SIGKILL');
    }
    await seed.exited;
    // The killed command's lock file is still there, naming a process that no longer exists.
    expect(existsSync(path.join(env.PGLITE_DIR!, 'stock.lock'))).toBe(true);
    const server = await startServer(env);
    try {
      // The owner made in the case above: the database survived the kill.
      expect(await signInStatus(server, OWNER)).toBe('303 /');
    } finally {
      await server.stop();
    }
  });
});
