import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../db/client.ts';
import type { Dependencies } from '../container.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; required?: boolean; description: string }>;

export interface CliContext {
  config: Config;
  logger: Logger;
  out: (line: string) => void;
  /** A progress line that rewrites itself on a terminal. */
  progress: (line: string) => void;
  /** The database, migrated; built on first use. */
  database(): Promise<Database>;
  /** Everything the app builds (database, Redis, cache); built on first use. */
  dependencies(): Promise<Dependencies>;
}

export interface Command {
  name: string;
  summary: string;
  options: OptionSpec;
  run(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<void>;
}

export class UsageError extends Error {
  static code = 'E_USAGE';
}

export function requirePositiveInt(value: string | boolean | undefined, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
  return n;
}
