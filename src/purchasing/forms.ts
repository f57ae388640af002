// The purchasing forms' repeated rows, read from a urlencoded body (`lines[2][quantity]=5`):
// values are passed on as sent (a field sent twice arrives as an array and is refused by the
// schema, not dropped here).

type Body = Record<string, unknown>;
const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

export type OrderLineFields = Partial<Record<'product' | 'quantity' | 'unitCost', unknown>>;
const orderLineKey = /^lines\[(\d{1,3})\]\[(product|quantity|unitCost)\]$/;

/** An order form's lines in row order, without the empty rows (left blank, they are not an error). */
export function orderLinesFromBody(body: Body): OrderLineFields[] {
  const rows = new Map<number, OrderLineFields>();
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = orderLineKey.exec(key);
    if (!m) continue;
    const row = rows.get(Number(m[1])) ?? {};
    row[m[2] as keyof OrderLineFields] = value;
    rows.set(Number(m[1]), row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => row)
    .filter((l) => !isBlank(l.product) || !isBlank(l.quantity) || !isBlank(l.unitCost));
}

/** Lines as the form shows them again (a value that is not text shows blank). */
export function orderLineTexts(lines: OrderLineFields[]): Array<Record<string, string>> {
  return lines.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, typeof v === 'string' ? v : ''])));
}

const receiptLineKey = /^lines\[(\d{1,4})\]\[(quantity|unitCost)\]$/;

/** The receiving form's lines by order line number; a line whose quantity is left blank receives nothing. */
export function receiptLinesFromBody(body: Body): Record<string, { quantity?: unknown; unitCost?: unknown }> {
  const lines: Record<string, { quantity?: unknown; unitCost?: unknown }> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = receiptLineKey.exec(key);
    if (!m) continue;
    const line = (lines[m[1]!] ??= {});
    line[m[2] as 'quantity' | 'unitCost'] = isBlank(value) ? undefined : value;
  }
  for (const [no, line] of Object.entries(lines)) if (line.quantity === undefined) delete lines[no];
  return lines;
}

const itemKey = /^items\[(\d{1,10})\]$/;

/** The reorder form's quantities by product id. */
export function reorderItemsFromBody(body: Body): Record<string, unknown> {
  const items: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    const m = itemKey.exec(key);
    if (m) items[m[1]!] = value;
  }
  return items;
}
