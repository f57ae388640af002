import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned to the
// build of Prisma 7.10), driven through our driver adapter: migrations need no native
// engine download. Node 20 cannot import a .wasm module, so the glue module's
// own loader (schema_engine.js) is redone by hand here, once per process.

export type { SchemaEngine };

let initialised: Promise<void> | undefined;

// tsconfig has no DOM lib, and @types/node 20 declares no WebAssembly value: type what is used.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function initialise(): Promise<void> {
  initialised ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(new URL('schema_engine_bg.wasm', `file://${glue}`));
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return initialised;
}

export interface EngineOptions {
  /** Prisma schema files (path → content) the engine knows as its datamodel. */
  datamodels?: Array<[string, string]>;
  /** Receives the engine's own log lines (JSON strings). */
  onLog?: (line: string) => void;
}

function isMigrationAware(factory: SqlDriverAdapterFactory): factory is SqlMigrationAwareDriverAdapterFactory {
  return typeof (factory as Partial<SqlMigrationAwareDriverAdapterFactory>).connectToShadowDb === 'function';
}

/**
 * A schema engine connected through `adapterFactory`. Free it with `engine.free()` when done.
 * Both adapters this app uses (@prisma/adapter-pg, pglite-prisma-adapter) can open a shadow
 * database, which diffs from a migrations folder need.
 */
export async function openSchemaEngine(adapterFactory: SqlDriverAdapterFactory, options: EngineOptions = {}): Promise<SchemaEngine> {
  await initialise();
  if (!isMigrationAware(adapterFactory))
    throw new Error('The driver adapter cannot open a shadow database (connectToShadowDb), which the schema engine needs');
  const adapter = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const log = options.onLog ?? (() => {});
  return bindings.SchemaEngine.new({ datamodels: options.datamodels }, log, adapter);
}

/**
 * An adapter factory whose every connection (main or shadow) is a new in-memory PGlite,
 * for diffs that need no real database. `close()` shuts them all down (the PGlite
 * adapter's own shadow databases are never closed).
 */
export function scratchPgliteFactory(): SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> } {
  const opened: PGlite[] = [];
  const open = async () => {
    const pglite = new PGlite('memory://');
    opened.push(pglite);
    return new PrismaPGlite(pglite).connect();
  };
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: open,
    connectToShadowDb: open,
    close: async () => {
      await Promise.all(opened.splice(0).map((p) => p.close()));
    },
  };
}
