import type { Router } from 'express';
import type { Core } from '../core.ts';
import { tillRouter } from './till.router.ts';
import { TillService } from './till.service.ts';

export { TillService } from './till.service.ts';

/** Closing the till: each user's cash count. */
export function createTill(core: Pick<Core, 'transactions'>): { till: TillService; router: Router } {
  const till = new TillService(core.transactions);
  return { till, router: tillRouter({ till }) };
}
