import { execFileSync } from 'node:child_process';
import { chownSync, chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './redis-server.ts';

// A PostgreSQL primary and one streaming replica owned by one test: `initdb` and
// `pg_basebackup -R` from Debian's /usr/lib/postgresql/<version>/bin, in a temporary
// directory, on free loopback ports, trusting loopback connections. PostgreSQL refuses to
// run as root, so under root every command runs as `postgres` and the directory is theirs.

function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL server in /usr/lib/postgresql (install postgresql)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

export class PostgresReplication {
  private constructor(
    readonly dir: string,
    readonly primaryPort: number,
    readonly replicaPort: number,
    private readonly bin: string,
  ) {}

  static async start(): Promise<PostgresReplication> {
    const dir = mkdtempSync(join(tmpdir(), 'stock-pg-replica-'));
    chmodSync(dir, 0o755);
    const cluster = new PostgresReplication(dir, await freePort(), await freePort(), binDir());
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    try {
      cluster.run('initdb', ['-D', cluster.data('primary'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
      cluster.startServer('primary', cluster.primaryPort);
      cluster.run('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(cluster.primaryPort),
        '-U',
        'postgres',
        '-D',
        cluster.data('replica'),
        '-R',
        '-X',
        'stream',
      ]);
      cluster.startServer('replica', cluster.replicaPort);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  url(which: 'primary' | 'replica', database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${which === 'primary' ? this.primaryPort : this.replicaPort}/${database}`;
  }

  /** One statement on a server, on its own connection. */
  async query<T extends pg.QueryResultRow>(which: 'primary' | 'replica', sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(which) });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  /** Until the replica has replayed everything the primary has written so far. */
  async caughtUp(): Promise<void> {
    const [{ lsn }] = (await this.query<{ lsn: string }>('primary', 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
    for (;;) {
      const [row] = await this.query<{ done: boolean }>('replica', `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
      if (row?.done) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stopReplica(): void {
    this.run('pg_ctl', ['-D', this.data('replica'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    for (const which of ['replica', 'primary']) {
      try {
        this.run('pg_ctl', ['-D', this.data(which), '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running (or never made)
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private data(which: string): string {
    return join(this.dir, which);
  }

  private startServer(which: string, port: number): void {
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off -c max_wal_senders=5 -c wal_level=replica`;
    this.run('pg_ctl', ['-D', this.data(which), '-l', join(this.dir, `${which}.log`), '-o', options, '-w', '-t', '60', 'start']);
  }

  private run(command: string, args: string[]): void {
    const path = join(this.bin, command);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: this.dir, stdio: 'pipe' });
    else execFileSync(path, args, { cwd: this.dir, stdio: 'pipe' });
  }
}
