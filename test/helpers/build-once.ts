import { ensureBuilt } from './production.ts';

// Vitest global set-up: the servers and command lines the tests start run the build
// (dist/), so it is made once here when the sources are newer, never in a test file.
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
