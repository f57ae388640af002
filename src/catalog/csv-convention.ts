// How a spreadsheet of the user's country writes CSV. English: comma between cells, dot before
// decimals. Spanish and Portuguese: semicolon between cells, comma before decimals (a dot may
// group thousands). Imports read either (the header line tells which); exports are written in
// the business's convention, with a UTF-8 byte-order mark so spreadsheets read the accents.

import { parseDecimal, type ParsedDecimal } from '../format/index.ts';
import { say } from '../i18n/index.ts';

export interface CsvConvention {
  delimiter: ',' | ';';
  decimalComma: boolean;
}

export const COMMA_CSV: CsvConvention = { delimiter: ',', decimalComma: false };
export const SEMICOLON_CSV: CsvConvention = { delimiter: ';', decimalComma: true };

/** The business's convention: its language's (English or none: comma). */
export function conventionOf(language: string | null | undefined): CsvConvention {
  return language === 'es' || language === 'pt-BR' ? SEMICOLON_CSV : COMMA_CSV;
}

/** The convention of a file, from its first line: more semicolons than commas (outside quotes) is a semicolon file. */
export function detectConvention(text: string): CsvConvention {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? SEMICOLON_CSV : COMMA_CSV;
}

/** A number cell read by its file's convention: dot-decimal text for the schemas, or why it cannot be read. */
export type NumberCell = { ok: true; text: string | undefined } | { ok: false; refusal: Extract<ParsedDecimal, { ok: false }> };

/**
 * A number cell of a decimal-comma file as the dot-decimal text the schemas read: "12,50" →
 * "12.50", "1.234,56" → "1234.56" (read by the forms' parser, src/format's parseDecimal, in a
 * decimal-comma locale). "1.234" is refused as the form refuses it: 1234 by the file's rule,
 * 1.234 by habit, and a price a thousand times off is worse than a line to correct. Anything
 * else it cannot read (a plain "12.50") is left for the schema to judge.
 */
export function readNumberCell(cell: string | undefined, convention: CsvConvention): NumberCell {
  if (cell === undefined || !convention.decimalComma || cell.trim() === '') return { ok: true, text: cell };
  const parsed = parseDecimal(cell, 'es-ES');
  if (parsed.ok) return { ok: true, text: parsed.value };
  return parsed.reason === 'ambiguous' ? { ok: false, refusal: parsed } : { ok: true, text: cell };
}

/** A number as the convention writes it: "12.50" → "12,50" for a decimal-comma file. */
export function csvNumber(text: string, convention: CsvConvention): string {
  return convention.decimalComma ? text.replace('.', ',') : text;
}

/**
 * A file csv-parse refused, in our words and the reader's language (its own words are English
 * and name byte offsets), with the line it stopped at when it says.
 */
export function csvParseRefusal(error: unknown): string {
  const lines = (error as { lines?: unknown } | null)?.lines;
  return typeof lines === 'number' && lines > 0
    ? say('The file is not valid CSV: look at line {{line}} (check its quotes).', { line: lines })
    : 'The file is not valid CSV (check its quotes).';
}
