import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchRow } from './types.ts';

// What `npm run bench` leaves behind: bench/results/latest.json (every part's last rows,
// each part with the time it ran, so running one part keeps the others' numbers), one
// table on the console and in the README between its bench markers, and a small SVG chart
// of every ratio against its target (vega-lite, rendered without a browser).

export interface PartResult {
  at: string;
  node: string;
  rows: BenchRow[];
}

export interface BenchResults {
  parts: Record<string, PartResult>;
}

export const README_START = '<!-- bench:table:start -->';
export const README_END = '<!-- bench:table:end -->';

export function readResults(file: string): BenchResults {
  if (!existsSync(file)) return { parts: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResults>;
  return { parts: parsed.parts ?? {} }; // an older file without parts: start again
}

/** The stored results with the parts just run replaced by their new rows. */
export function mergeResults(previous: BenchResults, fresh: Record<string, PartResult>): BenchResults {
  return { parts: { ...previous.parts, ...fresh } };
}

function allRows(results: BenchResults): BenchRow[] {
  return Object.keys(results.parts)
    .sort()
    .flatMap((part) => results.parts[part]!.rows);
}

function format(n: number | undefined): string {
  if (n === undefined) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

const verdict = (row: BenchRow) => (row.pass === undefined ? '' : row.pass ? 'yes' : 'NO');

export function consoleTable(rows: BenchRow[]): string {
  const header = ['part', 'name', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];
  const cells = rows.map((r) => [r.part, r.name, format(r.value), r.unit, format(r.baseline), format(r.ratio), r.target ?? '', verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 2 && i <= 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function markdownTable(results: BenchResults): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = ['| part | measurement | value | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const part of Object.keys(results.parts).sort()) {
    for (const r of results.parts[part]!.rows) {
      const baseline = r.baseline === undefined ? '' : `${format(r.baseline)} ${r.unit}`;
      lines.push(
        `| ${r.part} | ${escape(r.name)} | ${format(r.value)} ${r.unit} | ${baseline} | ${r.ratio === undefined ? '' : `${format(r.ratio)}×`} | ${escape(r.target ?? '')} | ${r.pass === undefined ? '' : r.pass ? '✅' : '❌'} |`,
      );
    }
  }
  const runs = Object.keys(results.parts)
    .sort()
    .map((part) => `${part} ${results.parts[part]!.at.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('', `Runs: ${runs.join('; ')}. Chart: [bench/results/latest.svg](bench/results/latest.svg).`);
  return lines.join('\n');
}

/** Replaces the README's bench section (between the markers); false if the markers are missing. */
export function updateReadme(file: string, results: BenchResults): boolean {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${text.slice(0, start + README_START.length)}\n${markdownTable(results)}\n${text.slice(end)}`);
  return true;
}

/** The number a "≤ 1.25×" or "≥ 90 %" target states, in the unit of the row's ratio. */
export function targetLimit(target: string | undefined): number | undefined {
  const match = /[≤≥<>]\s*([\d.]+)\s*(%?)/.exec(target ?? '');
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === '%' ? n / 100 : n;
}

const shorten = (text: string, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Every row with a ratio, as a bar on a log scale; its target as a tick; colour and text say met or not. */
export async function chartSvg(results: BenchResults): Promise<string> {
  const values = allRows(results)
    .filter((r) => r.ratio !== undefined && Number.isFinite(r.ratio) && r.ratio > 0)
    .map((r) => ({
      label: `${r.part}: ${shorten(r.name)}`,
      ratio: r.ratio!,
      textAt: Math.max(r.ratio!, 1),
      limit: targetLimit(r.target) ?? null,
      status: r.pass === undefined ? 'for information' : r.pass ? 'target met' : 'target missed',
      text: `${format(r.ratio)}×${r.pass === undefined ? '' : r.pass ? ' (met)' : ' (MISSED)'}`,
    }));
  // Bars start at 1× (value = baseline): right of it the value is larger, left smaller.
  const extremes = values.flatMap((v) => (v.limit === null ? [v.ratio] : [v.ratio, v.limit]));
  const domain = [Math.min(0.5, ...extremes) / 1.5, Math.max(2, ...extremes) * 1.5];
  const y = { field: 'label', type: 'nominal' as const, sort: null, axis: { title: null, labelLimit: 460 } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Stock benchmarks: each measurement as a ratio to its baseline',
      subtitle: 'bars start at 1× (as fast or as large as the baseline); black ticks mark the targets',
    },
    width: 420,
    height: { step: 20 },
    background: 'white',
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y,
          x: { field: 'ratio', type: 'quantitative', scale: { type: 'log', domain }, title: 'ratio (value / baseline), log scale' },
          x2: { datum: 1 },
          color: {
            field: 'status',
            type: 'nominal',
            title: null,
            scale: { domain: ['target met', 'target missed', 'for information'], range: ['#2e7d32', '#c62828', '#9e9e9e'] },
            legend: { orient: 'bottom' },
          },
        },
      },
      {
        transform: [{ filter: 'datum.limit != null' }],
        mark: { type: 'tick', color: 'black', thickness: 3, size: 18 },
        encoding: { y, x: { field: 'limit', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: { y, x: { field: 'textAt', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
