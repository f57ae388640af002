import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/project-root.ts';

// The layering rules of `npm run lint` (.dependency-cruiser.mjs): they pass on the tree and
// fail on each kind of import they forbid, written into a small tree of its own.

const run = promisify(execFile);
const depcruise = path.join(projectRoot, 'node_modules/.bin/depcruise');
const config = path.join(projectRoot, '.dependency-cruiser.mjs');
const made: string[] = [];

async function check(cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['--config', config, '--output-type', 'err', 'src'], { cwd });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A throwaway tree: a core folder, two parts with entries, and the given extra files. */
function tree(extra: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stock-layering-'));
  made.push(dir);
  cpSync(path.join(projectRoot, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  const files: Record<string, string> = {
    'src/db/client.ts': 'export const client = 1;\n',
    'src/catalog/products.service.ts': "import { client } from '../db/client.ts';\nexport const products = client;\n",
    'src/catalog/index.ts': "export { products } from './products.service.ts';\n",
    'src/sales/index.ts': "import { products } from '../catalog/index.ts';\nexport const sales = products;\n",
    ...extra,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

// Each run starts the tool (TypeScript included): seconds, more on a busy machine.
const RUN_TIMEOUT_MS = 180_000;

describe('the layering check', () => {
  it('passes on the tree', { timeout: RUN_TIMEOUT_MS }, async () => {
    const result = await check(projectRoot);
    expect(result.output).toContain('no dependency violations found');
    expect(result.ok).toBe(true);
  });

  it('passes on parts that use each other through index.ts', { timeout: RUN_TIMEOUT_MS }, async () => {
    expect((await check(tree({}))).ok).toBe(true);
  });

  it(
    'fails on a deliberate cross-part import, on the core importing a part, and on two parts importing each other',
    { timeout: RUN_TIMEOUT_MS },
    async () => {
      const result = await check(
        tree({
          // A file inside another part instead of its index.ts.
          'src/sales/sale.ts': "import { products } from '../catalog/products.service.ts';\nexport const s = products;\n",
          // The core reaching up into a part, even through its entry.
          'src/db/uses-sales.ts': "import { sales } from '../sales/index.ts';\nexport const s = sales;\n",
          // catalog → sales while sales → catalog: one part in two folders.
          'src/catalog/index.ts': "export { products } from './products.service.ts';\nexport { fromSales } from './from-sales.ts';\n",
          'src/catalog/from-sales.ts': "import { sales } from '../sales/index.ts';\nexport const fromSales = sales;\n",
        }),
      );
      expect(result.ok).toBe(false);
      expect(result.output).toContain('part-through-index: src/sales/sale.ts → src/catalog/products.service.ts');
      expect(result.output).toContain('core-imports-no-part: src/db/uses-sales.ts → src/sales/index.ts');
      expect(result.output).toMatch(/no-folder-cycles: src\/(catalog|sales) →/);
    },
  );
});
