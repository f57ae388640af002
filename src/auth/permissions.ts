import { ForbiddenError } from '../errors.ts';
import type { RoleName } from './users.schema.ts';

// What each role may do: the one table that services (not only routers) consult. A router may
// use `can` to hide a button; the service calls `assertCan` so a hand-made request is refused too.

export const actions = [
  'catalog.delete',
  'catalog.deactivate',
  'catalog.import',
  'catalog.editPrice',
  'catalog.editCost',
  'cost.see',
  'balance.see',
  'stock.correct',
  'stock.receive',
  'sale.discountAboveLimit',
  'sale.overridePrice',
  'sale.cancel',
  'sale.return',
  'till.close',
  'till.seeAll',
  'users.manage',
  'settings.manage',
  'cache.manage',
] as const;
export type Action = (typeof actions)[number];

const managerActions: readonly Action[] = [
  'catalog.delete',
  'catalog.deactivate',
  'catalog.import',
  'catalog.editPrice',
  'catalog.editCost',
  'cost.see',
  'balance.see',
  'stock.correct',
  'stock.receive',
  'sale.discountAboveLimit',
  'sale.overridePrice',
  'sale.cancel',
  'sale.return',
  'till.close',
  'till.seeAll',
];

export const permissionTable: Record<RoleName, ReadonlySet<Action>> = {
  owner: new Set(actions),
  manager: new Set(managerActions),
  staff: new Set<Action>(['stock.receive', 'till.close']),
};

export function can(role: RoleName, action: Action): boolean {
  return permissionTable[role].has(action);
}

/** Throws the 403 refusal unless `role` may do `action`. */
export function assertCan(role: RoleName, action: Action, message?: string): void {
  if (!can(role, action)) throw new ForbiddenError(message);
}
