import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { productionEnv } from '../helpers/production.ts';
import { deleteKeysWithPrefix, rawRedis, REDIS_TEST_URL, uniquePrefix } from '../helpers/redis.ts';
import { BUILT_SERVER_ARGS, startServer } from '../helpers/server.ts';

// The production shape: `npm run build` compiles src/ to dist/ (the suite's global set-up
// runs it, build-once.ts), and plain node (no tsx, no compiler at start-up) serves the app
// from it, as the Dockerfile's run stage does.

/** /health once the server's Redis connection is up (or its last answer after 30 s). */
async function healthOnceConnected(baseUrl: string): Promise<unknown> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { redis?: string };
    if (body.redis !== 'down' || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('production build', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  const prefix = uniquePrefix('prodbuild');

  beforeAll(async () => {
    database = await createTestDatabase('postgresql', { migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
    const redis = rawRedis();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('an operator builds, starts node dist/server.js with NODE_ENV=production on a fresh database, and it serves the app', async () => {
    const server = await startServer({
      ...productionEnv(),
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: REDIS_TEST_URL,
      CACHE_KEY_PREFIX: prefix,
      SEED_DEMO: 'false',
    });
    try {
      // The migrations under prisma/migrations were applied by the compiled server (WASM schema engine).
      expect(server.output()).toMatch(/applied \d+ migration\(s\)/);
      // Ready means listening; on a busy machine the Redis connection may still be opening.
      expect(await healthOnceConnected(server.baseUrl)).toMatchObject({ status: 'ok', database: 'ok', redis: 'ok' });

      // Views and static files are found from dist/ as from src/.
      const login = await fetch(`${server.baseUrl}/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toMatch(/<form[^>]*method="post"/i);
      const css = await fetch(`${server.baseUrl}/css/app.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/text\/css/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('a stack trace from the built code names the TypeScript file and line', () => {
    const script =
      "const m = await import('./dist/config.js'); try { m.loadConfig({ PORT: 'not-a-port' }); } catch (e) { console.log(e.stack); }";
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/PORT must be a port number/);
    expect(run.stdout).toMatch(/src\/config\.ts:\d+:\d+/);
  });

  it('npm start and npm run cli run dist/ when NODE_ENV=production, with their arguments and source maps, and say to build when it is missing', () => {
    // scripts/launch.mjs in a directory of its own, with a stand-in dist/cli/main.js.
    const dir = mkdtempSync(path.join(tmpdir(), 'stock-launch-'));
    try {
      mkdirSync(path.join(dir, 'scripts'));
      copyFileSync('scripts/launch.mjs', path.join(dir, 'scripts', 'launch.mjs'));
      const launch = (args: string[]) =>
        spawnSync(process.execPath, [path.join(dir, 'scripts', 'launch.mjs'), ...args], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, NODE_ENV: 'production' },
        });

      const missing = launch(['server']);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/dist\/server\.js is missing: run `npm run build` first/);

      mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
      writeFileSync(
        path.join(dir, 'dist', 'cli', 'main.js'),
        'console.log(JSON.stringify({ args: process.argv.slice(2), sourceMaps: process.sourceMapsEnabled }));\n',
      );
      const cli = launch(['cli/main', 'balance:verify', '--tenant', '7']);
      expect(cli.status).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({ args: ['balance:verify', '--tenant', '7'], sourceMaps: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the production image builds in one stage and runs the build as a non-root user in a second, without tsx', () => {
    const stages = readFileSync('Dockerfile', 'utf8')
      .split(/^FROM /m)
      .slice(1);
    expect(stages).toHaveLength(2);
    const [build, run] = stages as [string, string];
    expect(build).toMatch(/RUN npm run build/);
    expect(run).toMatch(/COPY --from=build \S+\/node_modules/);
    expect(run).toMatch(/^USER (?!root)\S+/m);
    expect(run).not.toMatch(/tsx/);
    const cmd = /^CMD (\[.*\])$/m.exec(run)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...BUILT_SERVER_ARGS]);
  });
});
