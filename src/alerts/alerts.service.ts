import { ForbiddenError } from '../db/errors.ts';
import type { Scope } from '../db/scope.ts';

// Whether an owner or manager gets the daily low-stock e-mail (their own choice, on /account/alerts).

const MAY_RECEIVE = new Set(['owner', 'manager']);
const FORBIDDEN = 'The low-stock e-mail is for owners and managers.';

export class AlertsService {
  async lowStockDigestChoice(scope: Scope): Promise<boolean> {
    if (!MAY_RECEIVE.has(scope.role)) throw new ForbiddenError(FORBIDDEN);
    const user = await scope.db.user.findUniqueOrThrow({ where: { id: scope.userId }, select: { lowStockDigest: true } });
    return user.lowStockDigest;
  }

  async setLowStockDigest(scope: Scope, on: boolean): Promise<void> {
    if (!MAY_RECEIVE.has(scope.role)) throw new ForbiddenError(FORBIDDEN);
    await scope.db.user.update({ where: { id: scope.userId }, data: { lowStockDigest: on }, select: { id: true } });
  }
}
