import type { Router } from 'express';
import type { Core } from '../core.ts';
import { printingRouter } from './printing.router.ts';
import { PrintingService } from './printing.service.ts';

export { PrintingService } from './printing.service.ts';

/** Receipts, invoices (and their numbers) and label sheets. */
export function createPrinting(core: Pick<Core, 'config'>): { printing: PrintingService; router: Router } {
  const printing = new PrintingService();
  return { printing, router: printingRouter({ printing, secureCookies: core.config.isProduction }) };
}
