// `prisma dev` (a local Prisma Postgres) is the only user of the real package; this project
// runs PostgreSQL or PGlite itself, so nothing here should ever be loaded.
throw new Error('@prisma/streams-local is not installed: `prisma dev` is not used by this project (docs/decisions/016)');
