import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis-server.ts';

// A PgBouncer (Debian's /usr/sbin/pgbouncer) owned by one test: transaction pooling on a
// free loopback port in front of the test PostgreSQL server, any user let in (the server
// itself trusts loopback connections). PgBouncer refuses to run as root, so under root it
// is told to switch to `postgres` and its directory is handed to that user.

const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

export class PgBouncer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private child: ChildProcess | undefined,
  ) {}

  /** Pools connections to every database of `server` in transaction mode. */
  static async start(server: { host: string; port: number; user: string }, poolSize = 5): Promise<PgBouncer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'stock-pgbouncer-'));
    const ini = join(dir, 'pgbouncer.ini');
    writeFileSync(
      ini,
      [
        '[databases]',
        // auth_type any logs every client in as this one server user.
        `* = host=${server.host} port=${server.port} user=${server.user}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = any',
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 200',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    const args = [ini];
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
      chownSync(ini, uid, gid);
      args.unshift('-u', 'postgres');
    }
    const child = spawn(PGBOUNCER, args, { stdio: 'ignore' });
    const bouncer = new PgBouncer(port, dir, child);
    child.once('exit', () => (bouncer.child = undefined));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (!bouncer.child || Date.now() > deadline) {
        await bouncer.destroy();
        throw new Error(`pgbouncer did not start on port ${port}`);
      }
      await sleep(50);
    }
    return bouncer;
  }

  /** `databaseUrl` (a URL of the pooled server) rewritten to go through this PgBouncer. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
