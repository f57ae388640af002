// Spreadsheet formula injection: a text cell starting with = + - @ (or a tab / CR) is
// exported with a leading apostrophe, which spreadsheets show as text; the import removes
// that apostrophe again, so an export imports back unchanged.

const FORMULA_START = /^[=+\-@\t\r]/;

export function protectCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unprotectCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** The columns of the export, which the import reads back (aliases in product-import.service.ts). */
/** A product's barcodes share one cell: `8400000000106|8400000000113`. */
export const BARCODE_CSV_SEPARATOR = '|';

export const CSV_COLUMNS = [
  'sku',
  'name',
  'barcodes',
  'category',
  'unit',
  'price',
  'cost',
  'tax_rate',
  'reorder_level',
  'quantity_on_hand',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * The first line (1-based, as an editor counts) with more than `max` cells, or undefined.
 * A quote-aware count of separators in one pass: a file thousands of columns wide is refused
 * in milliseconds, where parsing it cell by cell takes seconds.
 */
export function firstLineWiderThan(text: string, max: number): { line: number } | undefined {
  let line = 1;
  let cells = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A line ends with \n, \r\n or a lone \r (as csv-parse reads them).
    const lineEnd = c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10);
    if (c === 34 /* " */) quoted = !quoted;
    else if (quoted) {
      if (lineEnd) line++;
    } else if (c === 44 /* , */) {
      if (++cells > max) return { line };
    } else if (lineEnd) {
      line++;
      cells = 1;
    }
  }
  return undefined;
}
