import { describe, expect, it } from 'vitest';
import { lineTotals, saleTotals } from '../../src/sales/sale-totals.ts';

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
      const t = saleTotals(table.slice(0, 4).map(([quantity, unitPrice, discountPct, taxRate]) => ({ quantity, unitPrice, discountPct, taxRate })));
      expect({ subtotal: t.subtotal.toFixed(2), discount: t.discountTotal.toFixed(2), tax: t.taxTotal.toFixed(2), total: t.total.toFixed(2) }).toEqual({ subtotal: '84.11', discount: '3.31', tax: '14.72', total: '98.83' });
    });
  });
});
