import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_CACHE_COMMAND_TIMEOUT_MS } from './redis.ts';
import { freePort } from './redis-server.ts';
import { projectRoot } from './project-root.ts';

// The real server as a child process on a free port: what the browser journeys drive. It
// runs what `npm run build` wrote, exactly as the production image does (node
// dist/server.js); the global set-up (build-once.ts) builds it when the sources are newer.
// Output is kept (last 200 lines) to explain a failed start.

export interface ServerProcess {
  baseUrl: string;
  port: number;
  /** The server's process id (the bench reads its CPU time from /proc). */
  pid: number;
  /** Recent stdout/stderr lines. */
  output(): string;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** How the production image starts the server (Dockerfile CMD). */
export const BUILT_SERVER_ARGS = ['--enable-source-maps', 'dist/server.js'];
const TEST_TOTP_KEY = 'a1'.repeat(32);

export async function startServer(
  env: Record<string, string> = {},
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...BUILT_SERVER_ARGS], {
    cwd: projectRoot,
    // A configured TOTP key (one for every server, so instances share two-factor secrets), as in production.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
      CACHE_COMMAND_TIMEOUT_MS: TEST_CACHE_COMMAND_TIMEOUT_MS,
      LOG_LEVEL: 'info',
      TOTP_ENCRYPTION_KEY: TEST_TOTP_KEY,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} before it was ready:\n${lines.join('\n')}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy after ${options.timeoutMs ?? 120_000} ms:\n${lines.join('\n')}`);
    }
    await sleep(100);
  }
  return {
    baseUrl,
    port,
    pid: child.pid!,
    output: () => lines.join('\n'),
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
