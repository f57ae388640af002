import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// What names this build in a page's ETag (conditional-page.ts): a hash of the code and the
// views the process runs, so a deploy that changes how a page looks never gets a 304 for the
// old look, while every instance of one build agrees (no start time, no host name).

export function buildIdOf(dirs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(file.slice(dir.length)).update(readFileSync(file));
  }
  return hash.digest('base64url').slice(0, 16);
}
