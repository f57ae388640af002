import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

// The embedded database (PGlite) belongs to one process at a time: two processes writing
// one directory each keep their own copy in memory, lose each other's writes and can corrupt
// the files. Whoever opens the directory first (server or command line) writes
// `<dir>/stock.lock` naming itself; anyone else is refused at once with what to do. A lock
// left by a process that died (killed, crashed, power cut) is taken over: its PID is gone,
// or it now belongs to a newer process (Linux start time differs), e.g. PID 1 of a
// restarted container. See docs/decisions/012-one-process-per-embedded-database.md.

export const LOCK_FILE = 'stock.lock';

interface Holder {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat), when known. */
  started: string | null;
  host: string;
  /** What holds it, for the message: "the server", "the command line (tenant:create)". */
  purpose: string;
  since: string;
  token: string;
}

export class DatabaseInUseError extends Error {
  static code = 'E_DATABASE_IN_USE';
  constructor(
    readonly dir: string,
    readonly holder: Pick<Holder, 'pid' | 'purpose' | 'since'>,
  ) {
    super(
      `The embedded database in ${dir} is in use by ${holder.purpose}, process ${holder.pid} since ${holder.since.slice(0, 16).replace('T', ' ')} UTC. ` +
        'Only one process at a time may open it: stop that process (Ctrl+C in its terminal) or wait for it to finish, then try again. ' +
        'To run the server and the command line at the same time, use PostgreSQL (set DATABASE_URL).',
    );
  }
}

/** Tokens of the locks this process holds (a second open in the same process is refused too). */
const held = new Set<string>();

function startTime(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // another machine's process: cannot tell, assume it runs
  if (holder.pid === process.pid) return held.has(holder.token);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const now = startTime(holder.pid);
  return holder.started === null || now === null || now === holder.started;
}

function read(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return Number.isSafeInteger(holder.pid) && typeof holder.token === 'string' ? holder : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return undefined; // unreadable: treated as stale
  }
}

export interface EmbeddedLock {
  release(): void;
}

/** Takes the directory's lock or throws DatabaseInUseError naming the process that has it. */
export function lockEmbeddedDatabase(dir: string, purpose: string): EmbeddedLock {
  const file = path.join(dir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    started: startTime(process.pid),
    host: hostname(),
    purpose,
    since: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  const draft = `${file}.${me.token}`;
  writeFileSync(draft, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, file); // atomic: exactly one process creates the lock, always with its content
        held.add(me.token);
        return { release: () => release(file, me.token) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let holder: Holder | undefined;
      try {
        holder = read(file);
      } catch {
        continue; // released meanwhile
      }
      if (holder && alive(holder)) throw new DatabaseInUseError(dir, holder);
      // Stale: move it aside (atomic), and put it back if it turns out another process has
      // just taken the lock between our read and the move.
      const aside = `${file}.stale.${me.token}`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = read(aside);
      if (moved && moved.token !== holder?.token && alive(moved)) {
        try {
          linkSync(aside, file);
        } catch {
          // a third process holds it now; the loop reads it again
        }
      }
      unlinkSync(aside);
    }
    throw new Error(`Could not take the lock ${file}: it keeps changing. Is another Stock process starting?`);
  } finally {
    unlinkSync(draft);
  }
}

function release(file: string, token: string): void {
  held.delete(token);
  try {
    if (read(file)?.token === token) unlinkSync(file);
  } catch {
    // already gone
  }
}
