// Profit and stock value: the daily profit summary (written by sales, returns and
// cancellations in their transactions), its check, and the report.
export { addToProfitDays, profitDaysUpsert, profitRows, reversed, type ProfitLine, type ProfitRow } from './profit-days.ts';
export { expectedProfitSql, rebuildProfitSummary, verifyProfitSummary, type ProfitVerifyReport } from './verify.ts';
