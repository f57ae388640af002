import { defineConfig } from 'vitest/config';

// Two projects: `unit` (unit and integration tests against real PostgreSQL, PGlite and
// Redis; each file makes its own database and key prefix) and `e2e` (browser journeys
// against the real server in a child process). Both start their databases as copies of one
// migrated template (test/helpers/database-template.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/database-template.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
          // Each worker keeps its loaded modules between files: every file makes its own app,
          // database and key prefix, so nothing but the import time is shared.
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/database-template.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
