// How a spreadsheet of the user's country writes CSV. English: comma between cells, dot before
// decimals. Spanish and Portuguese: semicolon between cells, comma before decimals (a dot may
// group thousands). Imports read either (the header line tells which); exports are written in
// the business's convention, with a UTF-8 byte-order mark so spreadsheets read the accents.

import { parseDecimal } from '../format/index.ts';

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

/**
 * A number cell of a decimal-comma file as the dot-decimal text the schemas read: "12,50" →
 * "12.50", "1.234,56" → "1234.56" (read by the forms' parser, src/format's parseDecimal, in a
 * decimal-comma locale); anything it cannot read is left for the schema to judge.
 */
export function dotDecimal(cell: string | undefined, convention: CsvConvention): string | undefined {
  if (cell === undefined || !convention.decimalComma || cell.trim() === '') return cell;
  const parsed = parseDecimal(cell, 'es-ES');
  return parsed.ok ? parsed.value : cell;
}

/** A number as the convention writes it: "12.50" → "12,50" for a decimal-comma file. */
export function csvNumber(text: string, convention: CsvConvention): string {
  return convention.decimalComma ? text.replace('.', ',') : text;
}
