import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.ts';

// What a production start needs besides its database and Redis. The one place to add a
// variable that production comes to require.
export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: 'test-production-session-secret-0123456789',
    TOTP_ENCRYPTION_KEY: 'a1'.repeat(32),
    ...extra,
  };
}

/** What the build is made from: a newer one of these makes dist/ stale. */
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** Written once a build has finished, so a build cut short is never taken for a whole one. */
const BUILT_STAMP = path.join(projectRoot, 'dist', '.built');

function newestMtimeMs(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, name)));
  return newest;
}

/**
 * `npm run build` unless dist/ is newer than everything it is built from. The servers and
 * command lines that tests and benchmarks start run the build, as the production image does
 * (a start through tsx costs a second or two more CPU, and there are about sixty of them).
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(BUILT_STAMP)) {
    const inputs = Math.max(...BUILD_INPUTS.map((entry) => newestMtimeMs(path.join(projectRoot, entry))));
    if (statSync(BUILT_STAMP).mtimeMs > inputs) return;
  }
  await build();
  writeFileSync(BUILT_STAMP, `${new Date().toISOString()}\n`);
}

/** `npm run build`; rejects with its output when it fails. */
function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}:\n${output}`))));
  });
}
