// How payment and refund methods are written on every page ("Cash", not "cash"): one map,
// shared with the views through app.locals.methodLabel. A business's own method (Bizum, Pix)
// is written by its name as the business typed it, untranslated.

export const METHOD_LABELS: Readonly<Record<string, string>> = {
  cash: 'Cash',
  card: 'Card',
  transfer: 'Transfer',
  other: 'Other',
  credit: 'Credit on the customer’s account',
};

export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}

/** One option of a payment form's method list: its form value and what it shows. */
export interface MethodChoice {
  value: string;
  method: string;
  customMethod: { name: string } | null;
}

const BUILT_IN = ['cash', 'card', 'transfer'] as const;

/** The built-in kinds, then the business's active methods, then "Other" (a method not listed). */
export function methodChoices(custom: ReadonlyArray<{ id: number; name: string }>): MethodChoice[] {
  return [
    ...BUILT_IN.map((m) => ({ value: m, method: m, customMethod: null })),
    ...custom.map((c) => ({ value: `custom:${c.id}`, method: 'other', customMethod: { name: c.name } })),
    { value: 'other', method: 'other', customMethod: null },
  ];
}
