// Buying stock: suppliers, purchase orders and receiving at cost (through the stock ledger).
export { PurchaseOrdersService, SuppliersService } from './purchasing.service.ts';
export { PURCHASING_EVENTS } from './cache-events.ts';
