export {
  averageFromLedger,
  perProduct,
  receivePurchases,
  record,
  saleMovements,
  takeOutForSale,
  type Applied,
  type LedgerTx,
  type Movement,
  type PurchaseReceipt,
  type StockChange,
  type TakenForSale,
} from './ledger.ts';
