import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

// A redis-server owned by one test: its own free port and temp directory, so it can be
// stopped (SHUTDOWN SAVE: data kept, as production's AOF/RDB would), started again on the
// same port with the same data, and removed at the end.

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const REDIS_CLI = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: string[],
    private readonly sentinelConfig?: string,
  ) {}

  /** A sentinel (`redis-server <file> --sentinel`) with these config lines; it rewrites the file itself. */
  static async startSentinel(configLines: string[]): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'stock-sentinel-')), [], `${configLines.join('\n')}\n`);
    writeFileSync(join(server.dir, 'sentinel.conf'), server.sentinelConfig!);
    await server.start();
    return server;
  }

  /** `extraArgs` are more redis-server options, e.g. ['--cluster-enabled', 'yes']. */
  static async start(extraArgs: string[] = [], port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), mkdtempSync(join(tmpdir(), 'stock-redis-')), extraArgs);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const args = this.sentinelConfig
      ? [
          join(this.dir, 'sentinel.conf'),
          '--sentinel',
          '--port',
          String(this.port),
          '--bind',
          '127.0.0.1',
          '--dir',
          this.dir,
          '--protected-mode',
          'no',
          '--daemonize',
          'no',
          '--loglevel',
          'warning',
        ]
      : [
          '--port',
          String(this.port),
          '--bind',
          '127.0.0.1',
          '--dir',
          this.dir,
          '--dbfilename',
          'dump.rdb',
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
          '--daemonize',
          'no',
          '--loglevel',
          'warning',
          ...this.extraArgs,
        ];
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await sleep(50);
      } finally {
        probe.disconnect();
      }
    }
  }

  /** Stops the server after writing its data to disk, as a production restart would keep it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const admin = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on('error', () => {});
    await admin.shutdown('SAVE').catch(() => {}); // the connection closes under the reply
    admin.disconnect();
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    this.child = undefined;
  }

  /** Kills the server without saving, as a crash would: writes since its last SAVE are lost. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** Stops it and removes its directory. */
  async destroy(): Promise<void> {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 10000, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (bus) return port;
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out}`)),
    );
  });
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function ask<T>(port: number, question: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await question(redis);
  } finally {
    redis.disconnect();
  }
}

/** A three-master Redis Cluster (no replicas) on free loopback ports, owned by one test. */
export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        servers.push(
          await RedisServer.start(
            ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
            await freeClusterPort(),
          ),
        );
      }
      await run(REDIS_CLI, [
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      for (const server of servers)
        await waitUntil('the cluster to be ok', () => ask(server.port, async (r) => /cluster_state:ok/.test(await r.cluster('INFO'))));
      return new RedisCluster(servers);
    } catch (error) {
      for (const server of servers) await server.destroy();
      throw error;
    }
  }

  /** REDIS_CLUSTER_NODES for it. */
  get nodes(): string {
    return this.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  get startupNodes(): Array<{ host: string; port: number }> {
    return this.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** Error replies by kind over all masters (Redis 7 errorstats), e.g. { CROSSSLOT: 0 }. */
  async errorCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const server of this.servers) {
      const info = await ask(server.port, (r) => r.info('errorstats'));
      for (const m of info.matchAll(/errorstat_([A-Z_-]+):count=(\d+)/g)) counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2]);
    }
    return counts;
  }

  /** Keys held by one master. */
  keyCount(server: RedisServer): Promise<number> {
    return ask(server.port, (r) => r.dbsize());
  }

  async destroy(): Promise<void> {
    for (const server of this.servers) await server.destroy();
  }
}

/** A primary, one replica and three sentinels (`redis-server --sentinel`) monitoring it as `name`. */
export class RedisSentinelSet {
  private constructor(
    readonly name: string,
    readonly primary: RedisServer,
    readonly replica: RedisServer,
    readonly sentinels: RedisServer[],
  ) {}

  static async start(name = 'stock'): Promise<RedisSentinelSet> {
    const started: RedisServer[] = [];
    try {
      const primary = await RedisServer.start();
      started.push(primary);
      const replica = await RedisServer.start(['--replicaof', '127.0.0.1', String(primary.port)]);
      started.push(replica);
      await waitUntil('the replica to sync', () =>
        ask(replica.port, async (r) => /master_link_status:up/.test(await r.info('replication'))),
      );
      const sentinels: RedisServer[] = [];
      for (let i = 0; i < 3; i++) {
        const sentinel = await RedisServer.startSentinel([
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
        ]);
        started.push(sentinel);
        sentinels.push(sentinel);
      }
      const set = new RedisSentinelSet(name, primary, replica, sentinels);
      await waitUntil('the sentinels to see the replica and each other', async () => {
        for (const s of sentinels) {
          const info = await ask(s.port, (r) => r.info('sentinel'));
          if (!/slaves=1,sentinels=3/.test(info)) return false;
        }
        return true;
      });
      return set;
    } catch (error) {
      for (const server of started) await server.destroy();
      throw error;
    }
  }

  /** REDIS_SENTINELS for it. */
  get addresses(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  /** The port the sentinels now name as primary. */
  async primaryPort(): Promise<number> {
    const [, port] = (await ask(this.sentinels[0]!.port, (r) => r.call('SENTINEL', 'get-master-addr-by-name', this.name))) as [
      string,
      string,
    ];
    return Number(port);
  }

  async destroy(): Promise<void> {
    for (const server of [...this.sentinels, this.replica, this.primary]) await server.destroy();
  }
}
