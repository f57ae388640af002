import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Logs read by a person in a terminal are pretty; logs read by a machine stay JSON lines.
// A real pseudo-terminal comes from util-linux `script`; a pipe is a plain child process.

const run = promisify(execFile);
// The worker thread of the pretty transport writes before the process ends on its own.
const program = `import { createLogger } from './src/logger.ts'; createLogger('info').info({ password: 'hunter2', sku: 'HAM-1' }, 'stock received');`;
const tsx = 'node_modules/.bin/tsx';

describe('log lines', () => {
  it('in a terminal are readable text, without the secrets', async () => {
    const command = `${tsx} -e "${program}"`;
    const { stdout } = await run('script', ['-qec', command, '/dev/null'], { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' } });
    const text = stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''); // colours off
    expect(text).toMatch(/INFO.*stock received/);
    expect(text).toContain('HAM-1');
    expect(text).not.toContain('hunter2');
    expect(text.trim().startsWith('{')).toBe(false);
  });

  it('through a pipe are one JSON object per line, without the secrets', async () => {
    const { stdout } = await run(tsx, ['-e', program], { cwd: process.cwd() });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, msg: 'stock received', sku: 'HAM-1', password: '[redacted]' });
  });
});
