import { ForbiddenError } from '../db/errors.ts';
import type { Scope } from '../db/scope.ts';
import type { RoleName } from './users.schema.ts';

// What each role may do: the one table that services (not only routers) consult. A router may
// use `can` to hide a button or a field; the service calls `assertCan` so a hand-made request
// is refused too (docs/decisions/010-permission-table.md).

export const actions = [
  /** Delete a category or a unit. */
  'catalog.delete',
  /** Deactivate (soft-delete) a product or make it active again. */
  'catalog.deactivate',
  'catalog.import',
  /** Change the price of an existing product (a new product's first price is part of creating it). */
  'catalog.editPrice',
  'catalog.editCost',
  /** See cost prices (and anything computed from them): product detail, export. */
  'cost.see',
  /** The whole business's figures: /balance, its CSV and detail, the dashboard's month summary. */
  'balance.see',
  /** Revenue, cost of goods sold, gross profit and margin, and the stock's value: /profit and its CSVs. */
  'profit.see',
  /** A stock correction (a signed change with a reason); receipts are `stock.receive`. */
  'stock.correct',
  'stock.receive',
  /** Suppliers and purchase orders: create, edit, order, cancel. */
  'purchase.order',
  /** Receive goods against an ordered purchase (quantities; the unit cost is the order's unless `purchase.order`). */
  'purchase.receive',
  /** What the business owes its suppliers: payments to them, their statements. */
  'purchase.pay',
  /** A line discount above the business's staff limit. */
  'sale.discountAboveLimit',
  /** A unit price other than the product's (the business may allow it for staff too). */
  'sale.overridePrice',
  'sale.cancel',
  'sale.return',
  'till.close',
  'till.seeAll',
  'users.manage',
  'settings.manage',
  'cache.manage',
  'audit.see',
] as const;
export type Action = (typeof actions)[number];

const ownerOnly: readonly Action[] = ['users.manage', 'settings.manage', 'cache.manage', 'audit.see'];

export const permissionTable: Record<RoleName, ReadonlySet<Action>> = {
  owner: new Set(actions),
  manager: new Set(actions.filter((a) => !ownerOnly.includes(a))),
  staff: new Set<Action>(['stock.receive', 'purchase.receive', 'till.close']),
};

/** Whether the scope's role may do `action` (a scope, or the signed-in user on a public route). */
export function can(scope: Pick<Scope, 'role'>, action: Action): boolean {
  return permissionTable[scope.role].has(action);
}

/** Throws the 403 refusal unless the scope's role may do `action`. */
export function assertCan(scope: Pick<Scope, 'role'>, action: Action, message?: string): void {
  if (!can(scope, action)) throw new ForbiddenError(message);
}
