import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/project-root.ts';

// Quantity on hand has one writer, the stock ledger (src/stock/ledger.ts). This test reads
// every source file and fails on any other write of the column: raw SQL that assigns it or
// inserts it, a Prisma increment/decrement/set on it, or the field inside a Prisma `data`,
// `create`, `update` or `upsert` object (directly or through a `.map(...)` building one).

const LEDGER = 'src/stock/ledger.ts';

const RAW_SQL = [/quantity_on_hand\s*=(?!=)/g, /INSERT\s+INTO\s+"?products"?\s*\([^)]*quantity_on_hand/gi];
const PRISMA_OPERATION = /quantityOnHand\s*:\s*\{\s*(increment|decrement|set|multiply|divide)\b/g;
const FIELD = /\bquantityOnHand\s*:/g;
const WRITE_KEY = /\b(data|create|update|upsert|createMany)\s*:\s*[\w.]*\s*$/;
const READ_KEY = /\b(where|select|orderBy|include|having|by|_sum|_min|_max|_avg)\s*:\s*$/;
const OPEN = '{([';
const CLOSE = '})]';

/** The offsets of the brackets enclosing `at`, innermost first. */
function enclosing(text: string, at: number): number[] {
  const opens: number[] = [];
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (CLOSE.includes(ch)) depth++;
    else if (OPEN.includes(ch)) {
      if (depth === 0) opens.push(i);
      else depth--;
    }
  }
  return opens;
}

/** Whether the field at `at` sits inside an object Prisma writes. */
function inWriteObject(text: string, at: number): boolean {
  for (const open of enclosing(text, at)) {
    const before = text.slice(Math.max(0, open - 120), open);
    if (READ_KEY.test(before)) return false;
    if (WRITE_KEY.test(before)) return true;
  }
  return false;
}

function lineOf(text: string, at: number): number {
  return text.slice(0, at).split('\n').length;
}

/** Every write of quantity on hand in one file's text, as "line: code". */
function writesOf(text: string): string[] {
  const found = new Set<number>();
  for (const re of [...RAW_SQL, PRISMA_OPERATION]) for (const m of text.matchAll(re)) found.add(m.index);
  for (const m of text.matchAll(FIELD)) if (inWriteObject(text, m.index)) found.add(m.index);
  return [...found].sort((a, b) => a - b).map((at) => `${lineOf(text, at)}: ${text.split('\n')[lineOf(text, at) - 1]!.trim()}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs|cjs|sql)$/.test(e.name) ? [path] : [];
  });
}

describe('quantity on hand has one writer', () => {
  it('no file in src/ but the stock ledger writes it', () => {
    const writes = sourceFiles(join(projectRoot, 'src'))
      .map((path) => relative(projectRoot, path))
      .filter((path) => path !== LEDGER)
      .flatMap((path) => writesOf(readFileSync(join(projectRoot, path), 'utf8')).map((w) => `${path}:${w}`));
    expect(writes).toEqual([]);
  });

  it('the ledger itself is seen writing it (the check looks where it should)', () => {
    expect(writesOf(readFileSync(join(projectRoot, LEDGER), 'utf8')).length).toBeGreaterThan(0);
  });

  it('finds each kind of write', () => {
    const writes = [
      'await tx.$executeRaw`UPDATE products SET quantity_on_hand = quantity_on_hand + 1 WHERE id = ${id}`;',
      "await tx.$executeRawUnsafe('update products set quantity_on_hand=0');",
      'await tx.$executeRaw`INSERT INTO products (tenant_id, sku, quantity_on_hand) VALUES (1, 2, 3)`;',
      'await tx.product.update({ where: { id }, data: { quantityOnHand: { increment: delta } } });',
      'await tx.product.updateMany({ where: { id }, data: { name, quantityOnHand: { decrement: 2 } } });',
      'await tx.product.update({ where: { id: p.id }, data: { quantityOnHand: p.quantity } });',
      'await tx.product.create({ data: { ...columns(data), tenantId, quantityOnHand: openingStock } });',
      "await tx.product.createManyAndReturn({ data: rows.map((r) => ({ ...columns(r), quantityOnHand: r.quantity ?? '0' })) });",
      'await tx.product.upsert({ where: { id }, create: { sku, quantityOnHand: 5 }, update: { quantityOnHand: 5 } });',
      'const change = { quantityOnHand: { set: new Decimal(0) } };',
    ];
    for (const code of writes) expect(writesOf(code), code).not.toEqual([]);
  });

  it('leaves reads alone', () => {
    const reads = [
      "const p = await tx.product.findMany({ where: { quantityOnHand: { lte: 0 } }, select: { id: true, quantityOnHand: true }, orderBy: [{ quantityOnHand: 'asc' }] });",
      'await tx.$queryRaw`SELECT id FROM products WHERE quantity_on_hand >= ${q} AND quantity_on_hand <= 3`;',
      'await tx.product.updateMany({ where: { id, quantityOnHand: { gte: 1 } }, data: { name } });',
      'return { state: stockState(p.quantityOnHand, p.reorderLevel), quantityOnHand: p.quantityOnHand };',
      'interface Row { quantityOnHand: Prisma.Decimal }',
    ];
    for (const code of reads) expect(writesOf(code), code).toEqual([]);
  });
});
