import { mkdirSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.ts';
import { lockEmbeddedDatabase } from './embedded-lock.ts';

export { PrismaClient };
export type Driver = 'postgresql' | 'pglite';

export interface Database {
  prisma: PrismaClient;
  driver: Driver;
  /** The adapter factory, also used by the offline migration engine. */
  adapterFactory: SqlDriverAdapterFactory;
  /** A short description without credentials, for logs and /health. */
  describe: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; 'memory://' keeps it in memory (tests). */
  pgliteDir?: string;
  /** A data directory dumped by PGlite to start from (tests start from one migrated copy). */
  pgliteData?: Blob;
  /** Maximum pool size on a PostgreSQL server. */
  poolSize?: number;
  /** Who opens an embedded database directory, named to anyone refused meanwhile ("the server"). */
  purpose?: string;
}

/** DATABASE_URL set → PostgreSQL server through @prisma/adapter-pg; unset → embedded PGlite. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    const adapterFactory = new PrismaPg({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
    });
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      prisma,
      driver: 'postgresql',
      adapterFactory,
      describe: `postgresql://${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => prisma.$disconnect(),
    };
  }
  const dir = options.pgliteDir ?? './data';
  let lock: { release(): void } | undefined;
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    lock = lockEmbeddedDatabase(dir, options.purpose ?? `process ${process.pid}`);
  }
  let pglite: PGlite;
  try {
    pglite = new PGlite(dir, options.pgliteData ? { loadDataDir: options.pgliteData } : {});
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    prisma,
    driver: 'pglite',
    adapterFactory,
    describe: `pglite:${dir}`,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      lock?.release();
    },
  };
}
