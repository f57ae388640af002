// How payment and refund methods are written on every page ("Cash", not "cash"): one map,
// shared with the views through app.locals.methodLabel.

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
