// Case- and accent-insensitive search: products keep `searchText`, the normalized
// "sku name", and a query is normalized the same way before a `contains` match.

/** Lower-cased, accent-stripped, single-spaced text. */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function productSearchText(sku: string, name: string): string {
  return normalizeSearch(`${sku} ${name}`);
}
