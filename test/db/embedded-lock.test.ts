import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { DatabaseInUseError, LOCK_FILE, lockEmbeddedDatabase } from '../../src/db/embedded-lock.ts';

// The lock of an embedded database directory, in this process (the child-process cases with
// the real server and command line are test/system/embedded-database-owner.test.ts).

/** The PID of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

const lockOf = (pid: number, started: string | null) =>
  JSON.stringify({ pid, started, host: hostname(), purpose: 'the Stock server', since: '2026-01-01T00:00:00.000Z', token: 'old' });

describe('embedded database lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stock-lock-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // Creating an embedded database on disk takes a while on a loaded machine.
  it('refuses a second open of the same directory, also in the same process, and frees it on close', { timeout: 120_000 }, async () => {
    const db = await createDatabase({ pgliteDir: dir, purpose: 'the first opener' });
    try {
      await expect(createDatabase({ pgliteDir: dir, purpose: 'the second' })).rejects.toThrow(DatabaseInUseError);
      await expect(createDatabase({ pgliteDir: dir })).rejects.toThrow(/is in use by the first opener, process \d+/);
    } finally {
      await db.close();
    }
    lockEmbeddedDatabase(dir, 'the next opener').release();
  });

  it('takes over a lock whose process has died', async () => {
    writeFileSync(path.join(dir, LOCK_FILE), lockOf(await deadPid(), null));
    const lock = lockEmbeddedDatabase(dir, 'the command line (npm run cli -- tenant:create)');
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      purpose: 'the command line (npm run cli -- tenant:create)',
    });
    lock.release();
  });

  it('takes over a lock whose PID now belongs to a newer process (e.g. PID 1 of a restarted container)', () => {
    // This process is alive, but it started at another time than the lock says.
    writeFileSync(path.join(dir, LOCK_FILE), lockOf(process.ppid, '1'));
    lockEmbeddedDatabase(dir, 'the Stock server').release();
  });

  it('refuses while the process named in the lock runs', () => {
    writeFileSync(path.join(dir, LOCK_FILE), lockOf(process.ppid, null));
    expect(() => lockEmbeddedDatabase(dir, 'the Stock server')).toThrow(
      new RegExp(`in use by the Stock server, process ${process.ppid} since 2026-01-01 00:00 UTC`),
    );
  });

  it('takes over an unreadable lock file', () => {
    writeFileSync(path.join(dir, LOCK_FILE), 'not json');
    lockEmbeddedDatabase(dir, 'the Stock server').release();
  });
});
