import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chartSvg,
  markdownTable,
  mergeResults,
  targetLimit,
  updateReadme,
  README_END,
  README_START,
  type BenchResults,
} from '../../bench/report.ts';
import type { BenchRow } from '../../bench/types.ts';
import { projectRoot } from '../helpers/project-root.ts';

// The bench's report: what it keeps between runs, the README table, the chart, and its
// refusal to run without its services.

const row = (part: string, name: string, extra: Partial<BenchRow> = {}): BenchRow => ({
  part,
  name,
  value: 2,
  unit: 'ms',
  baseline: 1,
  ratio: 2,
  target: '≤ 3×',
  pass: true,
  ...extra,
});
const results = (parts: Record<string, BenchRow[]>, at = '2026-11-23T10:00:00.000Z'): BenchResults => ({
  parts: Object.fromEntries(Object.entries(parts).map(([part, rows]) => [part, { at, node: 'v20', rows }])),
});

describe('bench report', () => {
  it('replaces only the parts that ran and keeps the others with their own time', () => {
    const before = results({ cache: [row('cache', 'old cache row')], sales: [row('sales', 'sales row')] });
    const merged = mergeResults(before, results({ cache: [row('cache', 'new cache row')] }, '2026-11-24T09:30:00.000Z').parts);
    expect(merged.parts.cache!.rows.map((r) => r.name)).toEqual(['new cache row']);
    expect(merged.parts.cache!.at).toBe('2026-11-24T09:30:00.000Z');
    expect(merged.parts.sales!.rows.map((r) => r.name)).toEqual(['sales row']);
  });

  it('writes a markdown table with every row, its verdict and the time of each part, escaping pipes', () => {
    const table = markdownTable(
      results({
        cache: [row('cache', 'a | b', { pass: false, ratio: 0.75, target: '≥ 0.9×' })],
        sales: [row('sales', 'info row', { pass: undefined, ratio: undefined, baseline: undefined, target: 'info' })],
      }),
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('| part | measurement | value | baseline | ratio | target | met |');
    expect(lines[2]).toBe('| cache | a \\| b | 2 ms | 1 ms | 0.75× | ≥ 0.9× | ❌ |');
    expect(lines[3]).toBe('| sales | info row | 2 ms |  |  | info |  |');
    expect(table).toContain('Runs: cache 2026-11-23 10:00 UTC; sales 2026-11-23 10:00 UTC.');
  });

  it('rewrites only the README section between its markers, and says so when they are missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stock-bench-'));
    const file = path.join(dir, 'README.md');
    writeFileSync(file, `# Title\n\nbefore\n${README_START}\nold table\n${README_END}\nafter\n`);
    expect(updateReadme(file, results({ cache: [row('cache', 'fresh row')] }))).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Title\n\nbefore\n<!-- bench:table:start -->\n\| part /);
    expect(text).toContain('| cache | fresh row |');
    expect(text).not.toContain('old table');
    expect(text.endsWith(`${README_END}\nafter\n`)).toBe(true);
    writeFileSync(file, 'no markers here\n');
    expect(updateReadme(file, results({}))).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('no markers here\n');
  });

  it('reads the number out of a target, percentages as fractions', () => {
    expect(targetLimit('≤ 1.25×')).toBe(1.25);
    expect(targetLimit('≥ 0.9×')).toBe(0.9);
    expect(targetLimit('≥ 90 %')).toBe(0.9);
    expect(targetLimit('info')).toBeUndefined();
    expect(targetLimit(undefined)).toBeUndefined();
  });

  it('draws an SVG with one labelled bar per ratio, saying which targets were met', async () => {
    const svg = await chartSvg(
      results({
        cache: [
          row('cache', 'L2 hit'),
          row('cache', 'saturation', { ratio: 0.75, target: '≥ 0.9×', pass: false }),
          row('cache', 'no ratio', { ratio: undefined }),
        ],
      }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('cache: L2 hit');
    expect(svg).toContain('cache: saturation');
    expect(svg).not.toContain('no ratio');
    expect(svg).toContain('2× (met)');
    expect(svg).toContain('0.75× (MISSED)');
  });
});

describe('npm run bench', () => {
  const bench = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('refuses to start, with a message naming the service and the variable, when Redis or PostgreSQL is unreachable', () => {
    const readmeBefore = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const noRedis = bench(['cache'], { BENCH_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noRedis.status).toBe(2);
    expect(noRedis.stderr).toMatch(/refusing to run: redis at 127\.0\.0\.1:1 is unreachable .*set BENCH_REDIS_URL/);
    const noPostgres = bench(['catalog'], { BENCH_DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/postgres' });
    expect(noPostgres.status).toBe(2);
    expect(noPostgres.stderr).toMatch(/refusing to run: postgresql at 127\.0\.0\.1:1 is unreachable .*set BENCH_DATABASE_URL/);
    expect(readFileSync(path.join(projectRoot, 'README.md'), 'utf8')).toBe(readmeBefore);
  }, 90_000);

  it('names the parts when asked for one that does not exist', () => {
    const result = bench(['nonsense'], {});
    expect(result.status).toBe(2);
    // Every file in bench/parts is a part, named in order.
    const parts = readdirSync(path.join(projectRoot, 'bench', 'parts'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(parts).toEqual(expect.arrayContaining(['balance', 'cache', 'catalog', 'profit', 'sales', 'scale', 'startup']));
    expect(result.stderr).toContain(`bench: no part named nonsense; parts are ${parts.join(', ')}`);
  }, 60_000);
});
