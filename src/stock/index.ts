export {
  perProduct,
  record,
  saleMovements,
  takeOutForSale,
  type Applied,
  type LedgerTx,
  type Movement,
  type StockChange,
  type TakenForSale,
} from './ledger.ts';
