// `npm start` and `npm run cli`: one process, two shapes. With NODE_ENV=production it runs
// the JavaScript that `npm run build` wrote to dist/ (no compiler at start-up, source maps
// on for stack traces); otherwise it runs the TypeScript sources through tsx, so a fresh
// clone needs no build step. Usage: node scripts/launch.mjs <server|cli/main> [args...]
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (entry !== 'server' && entry !== 'cli/main') {
  process.stderr.write('usage: node scripts/launch.mjs <server|cli/main> [args...]\n');
  process.exit(2);
}

let file;
if (process.env.NODE_ENV === 'production') {
  file = fileURLToPath(new URL(`../dist/${entry}.js`, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`NODE_ENV=production runs the built server, but ${file} is missing: run \`npm run build\` first\n`);
    process.exit(1);
  }
  process.setSourceMapsEnabled(true);
} else {
  file = fileURLToPath(new URL(`../src/${entry}.ts`, import.meta.url));
  const { register } = await import('tsx/esm/api');
  register();
}
// The entry reads its own arguments from process.argv.slice(2).
process.argv.splice(1, 2, file);
await import(pathToFileURL(file).href);
