import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { lineTotals, saleTotals, taxBreakdown, type TaxRateTotals } from '../../src/sales/sale-totals.ts';

// Hand-computed: net = qty × price × (1 − discount%) rounded half-up to cents; tax = net ×
// rate rounded half-up; total = net + tax; discount = round(qty × price) − net.
const table = [
  // qty, price, disc%, tax%, gross, discount, net, tax, total
  ['3', '19.99', '0', '21', '59.97', '0.00', '59.97', '12.59', '72.56'],
  ['2', '10.00', '15', '10', '20.00', '3.00', '17.00', '1.70', '18.70'],
  ['1.5', '3.33', '0', '5', '5.00', '0.00', '5.00', '0.25', '5.25'],
  ['7', '0.35', '12.5', '8.25', '2.45', '0.31', '2.14', '0.18', '2.32'],
  ['1', '0.05', '10', '10', '0.05', '0.00', '0.05', '0.01', '0.06'],
  ['0.333', '9.99', '100', '21', '3.33', '3.33', '0.00', '0.00', '0.00'],
] as const;

describe('sales', () => {
  describe('lineTotals', () => {
    it.each(table)('%s × %s less %s%% plus %s%% tax', (quantity, unitPrice, discountPct, taxRate, gross, discount, net, tax, total) => {
      const t = lineTotals({ quantity, unitPrice, discountPct, taxRate });
      expect([t.gross, t.discount, t.subtotal, t.tax, t.total].map((d) => d.toFixed(2))).toEqual([gross, discount, net, tax, total]);
    });
  });

  describe('saleTotals', () => {
    it('sums the rounded lines', () => {
      const t = saleTotals(
        table.slice(0, 4).map(([quantity, unitPrice, discountPct, taxRate]) => ({ quantity, unitPrice, discountPct, taxRate })),
      );
      expect({
        subtotal: t.subtotal.toFixed(2),
        discount: t.discountTotal.toFixed(2),
        tax: t.taxTotal.toFixed(2),
        total: t.total.toFixed(2),
      }).toEqual({ subtotal: '84.11', discount: '3.31', tax: '14.72', total: '98.83' });
    });
  });

  describe('taxBreakdown', () => {
    it('groups the rounded lines by rate, and the rates add up to the sale', () => {
      const inputs = [...table.slice(0, 4), ['4', '2.49', '0', '21', '', '', '', '', ''] as const].map(
        ([quantity, unitPrice, discountPct, taxRate]) => ({ quantity, unitPrice, discountPct, taxRate }),
      );
      const sale = saleTotals(inputs);
      const rates = taxBreakdown(sale.lines.map((l, i) => ({ taxRate: inputs[i]!.taxRate, subtotal: l.subtotal, tax: l.tax })));
      const text = rates.map((r) => [r.rate, r.net, r.tax, r.total].map((d) => d.toFixed(2)));
      // 21 %: 59.97 + 9.96 net, 12.59 + 2.09 tax.
      expect(text).toEqual([
        ['21.00', '69.93', '14.68', '84.61'],
        ['10.00', '17.00', '1.70', '18.70'],
        ['8.25', '2.14', '0.18', '2.32'],
        ['5.00', '5.00', '0.25', '5.25'],
      ]);
      const sum = (pick: (r: TaxRateTotals) => Prisma.Decimal) =>
        rates.reduce((acc, r) => acc.plus(pick(r)), new Prisma.Decimal(0)).toFixed(2);
      expect([sum((r) => r.net), sum((r) => r.tax), sum((r) => r.total)]).toEqual([
        sale.subtotal.toFixed(2),
        sale.taxTotal.toFixed(2),
        sale.total.toFixed(2),
      ]);
    });
  });
});
