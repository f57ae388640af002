import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from './project-root.ts';

// The command line as a child process, built as production runs it (node dist/cli/main.js;
// the global set-up builds it): run to the end, or started and left running (to hold the
// embedded database while a test does something else).

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when stderr (where progress goes) has matched. */
  stderrMatches(pattern: RegExp): Promise<void>;
  exited: Promise<Run>;
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/cli/main.js', ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const w of waiting.splice(0))
      if (w.pattern.test(stderr)) w.resolve();
      else waiting.push(w);
  });
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    exited,
    stderrMatches: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiting.push({ pattern, resolve });
        void exited.then((run) => reject(new Error(`the command exited (${run.code}) before printing ${pattern}:\n${run.stderr}`)));
      }),
  };
}

export function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return startCli(args, env).exited;
}
