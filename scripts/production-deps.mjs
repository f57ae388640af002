// Installs the production dependencies alone into <dir>/node_modules, at the versions of
// package-lock.json (used by the Dockerfile's build stage). `npm ci --omit=dev` is not
// enough: npm keeps dev packages that are also optional peers of a production one (the
// Prisma CLI and TypeScript, optional peers of @prisma/client), 390 MB instead of 150 MB.
// Without the devDependencies in package.json, npm drops them and keeps every other
// version the lock file names. No install scripts run: the Prisma client is already
// compiled into dist/, and no production dependency needs one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/production-deps.mjs <dir>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const devNames = new Set(Object.keys(pkg.devDependencies ?? {}));
const overrides = Object.fromEntries(
  Object.entries(pkg.overrides ?? {}).filter(([name, spec]) => !devNames.has(name) && !(typeof spec === 'string' && spec.startsWith('$'))),
);
const production = {
  name: pkg.name,
  version: pkg.version,
  private: true,
  type: pkg.type,
  engines: pkg.engines,
  dependencies: pkg.dependencies,
  overrides,
};
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(production, null, 2)}\n`);
copyFileSync('package-lock.json', path.join(dir, 'package-lock.json'));
copyFileSync('.npmrc', path.join(dir, '.npmrc'));
const result = spawnSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
process.exit(result.status ?? 1);
