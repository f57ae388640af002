// The layering of src/ (docs/decisions/019-layering.md), checked by `npm run lint`.
//
// The core (src/db, src/http, src/cache, src/mail, src/format, src/i18n, src/generated, src/types and the root
// files config, core, errors, logger, time) imports no part. A part (every other folder of
// src/) imports another part only through that part's index.ts. src/container.ts and
// src/app.ts wire the parts, also only through their index.ts; src/server.ts and src/cli
// start the program. No folder of src/ is part of an import cycle with another.

const CORE_FOLDERS = 'db|http|cache|mail|format|i18n|generated|types';
const CORE_FILES = 'config|core|errors|logger|time';
const CORE = `^src/(?:(?:${CORE_FOLDERS})/|(?:${CORE_FILES})\\.ts$)`;
const WIRING = '^src/(app|container|server)\\.ts$';
// Any folder of src/ that is not the core is a part (src/cli included: it only uses index.ts too).
const PART = `^src/(?!(?:${CORE_FOLDERS})/)[^/]+/`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'core-imports-no-part',
      comment: 'The core is used by every part and imports none: move what it needs into the core, or pass it in.',
      severity: 'error',
      from: { path: CORE },
      to: { path: `${PART}|${WIRING}` },
    },
    {
      name: 'part-through-index',
      comment: "A part uses another part only through that part's index.ts (its entry), never a file inside it.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: CORE },
      to: { path: PART, pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'wiring-through-index',
      comment: 'src/app.ts and src/container.ts build and mount the parts through their index.ts; they do not reach into them.',
      severity: 'error',
      from: { path: WIRING },
      to: { path: PART, pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'parts-do-not-import-wiring',
      comment: 'A part gets what it needs as arguments of its create function (src/core.ts), not from the container.',
      severity: 'error',
      from: { path: `${PART}|${CORE}`, pathNot: '^src/cli/' },
      to: { path: WIRING },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Two folders of src/ that import each other (directly or round a loop) are one part in two places.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
