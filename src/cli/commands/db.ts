import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';
import { applyMigrations, createMigration } from '../../db/migrate.ts';

export const dbMigrate: Command = {
  name: 'db:migrate',
  summary: 'Apply pending migrations (offline)',
  options: {},
  async run(ctx) {
    const db = await ctx.database();
    // database() applies them already; report what is there.
    const { applied } = await applyMigrations(db, ctx.logger);
    ctx.out(applied.length ? `Applied ${applied.join(', ')}` : `Database ${db.describe} is up to date`);
  },
};

export const dbMigrationCreate: Command = {
  name: 'db:migration:create',
  summary: 'Write a migration for changes in prisma/schema.prisma (offline)',
  options: {},
  async run(ctx, v) {
    const name = v._name;
    if (typeof name !== 'string' || !/^[a-z0-9_]+$/.test(name))
      throw new UsageError('usage: npm run db:migration:create -- <name>   (lower-case letters, digits and _)');
    const db = await ctx.database();
    const path = await createMigration(name, db);
    ctx.out(path ? `Wrote ${path}` : 'No changes: prisma/schema.prisma matches the migrations');
  },
};
