import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run build`; rejects with its output when it fails. */
export function buildForProduction(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}:\n${output}`))));
  });
}
