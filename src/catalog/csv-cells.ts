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

export const CSV_COLUMNS = ['sku', 'name', 'barcodes', 'category', 'unit', 'price', 'cost', 'tax_rate', 'reorder_level', 'quantity_on_hand'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
