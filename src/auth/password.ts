import { hash, verify } from '@node-rs/argon2';
import { ServiceUnavailableError } from '../db/errors.ts';

// argon2id with OWASP's second recommended profile (19 MiB, t=2, p=1).
// algorithm 2 is Argon2id (the package's const enum cannot be imported under isolatedModules).
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Each hash takes ~20 MiB and a core for tens of milliseconds, and anyone can ask for one
// (a sign-in with any email). So at most `concurrency` run at once in this process; a few
// more wait briefly in a bounded queue, and beyond that the request is refused with 503 and
// Retry-After rather than letting strangers starve every other page of CPU. A dozen lines
// of semaphore instead of p-limit: p-limit has neither a queue bound nor a wait limit.

export interface PasswordWorkLimits {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a slot; one more is refused at once. */
  queue: number;
  /** How long one waits for a slot before it is refused. */
  maxWaitMs: number;
}

export class PasswordWorkBusyError extends ServiceUnavailableError {
  static override code = 'E_PASSWORD_BUSY';
  readonly retryAfterSeconds = 2;
  constructor() {
    super('Too many sign-ins are being checked right now. Please try again in a moment.');
  }
}

class PasswordWork {
  private running = 0;
  private readonly waiting: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];
  /** Hashes started, the most seen running at once, and requests refused (for tests and metrics). */
  started = 0;
  peak = 0;
  refused = 0;

  constructor(public limits: PasswordWorkLimits) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) await this.slot();
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    this.started++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.start(); // the slot passes on: `running` stays the same
      } else this.running--;
    }
  }

  private slot(): Promise<void> {
    if (this.waiting.length >= this.limits.queue) {
      this.refused++;
      return Promise.reject(new PasswordWorkBusyError());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        start: resolve,
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          this.refused++;
          reject(new PasswordWorkBusyError());
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }
}

// One per process: the CPU it protects is the process's.
const work = new PasswordWork({ concurrency: 2, queue: 32, maxWaitMs: 2000 });

/** Set the limits (at start-up); the peak counts from here. */
export function configurePasswordWork(limits: PasswordWorkLimits): void {
  work.limits = limits;
  work.peak = 0;
}

export function passwordWorkStats(): { started: number; peak: number; refused: number; limits: PasswordWorkLimits } {
  return { started: work.started, peak: work.peak, refused: work.refused, limits: work.limits };
}

export function hashPassword(password: string): Promise<string> {
  return work.run(() => hash(password, options));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return work.run(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}
