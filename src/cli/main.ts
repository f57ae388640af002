import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createDatabase, type Database } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { buildDependencies, type Dependencies } from '../container.ts';
import { AppError } from '../db/errors.ts';
import { UsageError, type CliContext, type Command } from './command.ts';
import { tenantCreate, userCreate } from './commands/tenants.ts';
import { demoSeed } from './commands/demo.ts';
import { dbMigrate, dbMigrationCreate } from './commands/db.ts';
import { cacheCommands } from './commands/cache.ts';
import { balanceVerify } from './commands/balance.ts';
import { profitVerify } from './commands/profit.ts';
import { totpReseal } from './commands/totp.ts';
import { alertsLowStock } from './commands/alerts.ts';

const commands: Command[] = [
  tenantCreate,
  userCreate,
  demoSeed,
  dbMigrate,
  dbMigrationCreate,
  ...cacheCommands,
  balanceVerify,
  profitVerify,
  totpReseal,
  alertsLowStock,
];

function usage(command?: Command): string {
  if (command) {
    const opts = Object.entries(command.options).map(
      ([name, o]) => `  --${name}${o.type === 'string' ? ' <value>' : ''}${o.required ? '' : ' (optional)'}  ${o.description}`,
    );
    return [
      `usage: npm run cli -- ${command.name}${command.name === 'db:migration:create' ? ' <name>' : ''} ${Object.entries(command.options)
        .filter(([, o]) => o.required)
        .map(([n]) => `--${n} <${n}>`)
        .join(' ')}`.trimEnd(),
      command.summary,
      ...opts,
    ].join('\n');
  }
  return [
    'usage: npm run cli -- <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(22)}${c.summary}`),
    '',
    "run 'npm run cli -- <command> --help' for a command's options",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...Object.fromEntries(Object.entries(command.options).map(([k, o]) => [k, { type: o.type }])), help: { type: 'boolean' } },
      allowPositionals: command.name === 'db:migration:create',
      strict: true,
    });
    values = { ...parsed.values, _name: parsed.positionals[0] };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage(command)}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage(command)}\n`);
    return 0;
  }
  const missing = Object.entries(command.options).filter(([k, o]) => o.required && (values[k] === undefined || values[k] === ''));
  if (missing.length) {
    process.stderr.write(`Missing ${missing.map(([k]) => `--${k}`).join(', ')}\n\n${usage(command)}\n`);
    return 2;
  }

  const config = loadConfig();
  // The CLI talks to people: warnings and errors only, unless LOG_LEVEL says otherwise.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  let db: Database | undefined;
  let deps: Dependencies | undefined;
  const migrateOnOpen = !command.name.startsWith('db:');
  const ctx: CliContext = {
    config,
    logger,
    out: (line) => process.stdout.write(`${line}\n`),
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
      else process.stderr.write(`${line}\n`);
    },
    async database() {
      if (deps) return deps.db;
      if (!db) {
        db = await createDatabase({
          databaseUrl: config.databaseUrl,
          pgliteDir: config.pgliteDir,
          purpose: `the command line (npm run cli -- ${command.name})`,
        });
        if (migrateOnOpen) await applyMigrations(db, logger);
      }
      return db;
    },
    async dependencies() {
      deps ??= await buildDependencies(config, logger, { db: await ctx.database(), migrate: false, collectProcessMetrics: false });
      return deps;
    },
  };
  try {
    await command.run(ctx, values);
    if (process.stderr.isTTY) process.stderr.write('\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${usage(command)}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      const fields =
        'fields' in error && error.fields && typeof error.fields === 'object'
          ? Object.entries(error.fields as Record<string, string>).map(([f, m]) => `  ${f}: ${m}`)
          : [];
      process.stderr.write([`Error: ${error.message}`, ...fields].join('\n') + '\n');
      return 1;
    }
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    if (deps) await deps.close();
    else if (db) await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
