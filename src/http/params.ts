// Ids in a URL (`/sales/:id`) or a query string (`?sale=12`), for every router. A row id is a
// positive PostgreSQL integer (int32): plain digits, at most 10 of them, at most 2147483647.
// Anything else ("0", "-1", "+7", "7.0", "0x7", 10^30, an array) is undefined, and the router
// answers 404 — usually `found(idParam(req.params.id), 'Sale')` — never a 500 from the database.

const MAX_ID = 2_147_483_647;

export function idParam(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id > 0 && id <= MAX_ID ? id : undefined;
}
