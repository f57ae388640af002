import { defineConfig } from 'vitest/config';

// Two projects: `unit` (unit and integration tests against real PostgreSQL, PGlite and
// Redis; each file makes its own database and key prefix) and `e2e` (browser journeys
// against the real server in a child process). Both start their databases as copies of one
// migrated template (test/helpers/database-template.ts).
//
// The two run side by side, three files at a time on the whole: Vitest runs projects of one
// `maxWorkers` as one group and a project limited to one file at a time after all the others,
// so the browser journeys (nearly half the time) used to start only once the last unit file
// had ended, with a core half idle. Every file has its own database, key prefix and ports, so
// journeys may also run beside each other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/build-once.ts', 'test/helpers/database-template.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 3,
          // Each worker keeps its loaded modules between files: every file makes its own app,
          // database and key prefix, so nothing but the import time is shared.
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/build-once.ts', 'test/helpers/database-template.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 3,
          // As for `unit`: a journey's state is its server, browser and database, all its own.
          isolate: false,
        },
      },
    ],
  },
});
