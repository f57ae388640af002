import { Prisma } from '../generated/prisma/client.ts';
import { can } from '../auth/index.ts';
import type { Scope } from '../db/scope.ts';
import { PermissionError } from '../db/errors.ts';
import { messageFormatter } from '../format/index.ts';
import { say } from '../i18n/index.ts';
import type { LineProduct } from './resolve-products.ts';
import type { SaleInput } from './sales.schema.ts';

const Decimal = Prisma.Decimal;

/** What the owner allows staff at the counter (business settings). */
export interface StaffLimits {
  staffMaxDiscountPct: Prisma.Decimal;
  staffMayOverridePrice: boolean;
}

/**
 * The lines that go beyond what `role` may give: a discount above the staff limit (unless the
 * table grants `sale.discountAboveLimit`), a unit price other than the product's (unless the
 * table grants `sale.overridePrice` or the business lets staff). Nothing when all is allowed;
 * otherwise the refusal, with a message on each line's field.
 */
export function staffLimitRefusal(
  scope: Scope,
  limits: StaffLimits,
  lines: SaleInput['lines'],
  products: LineProduct[],
  currency: string,
): PermissionError | undefined {
  const anyDiscount = can(scope, 'sale.discountAboveLimit');
  const anyPrice = can(scope, 'sale.overridePrice') || limits.staffMayOverridePrice;
  const fields: Record<string, string> = {};
  lines.forEach((line, i) => {
    const product = products[i]!;
    if (!anyDiscount && line.discountPct !== undefined && new Decimal(line.discountPct).greaterThan(limits.staffMaxDiscountPct)) {
      fields[`lines.${i}.discountPct`] = limits.staffMaxDiscountPct.isZero()
        ? 'Only a manager or owner can give a discount here'
        : say('At most {{percent}} discount without a manager', {
            percent: messageFormatter(currency).percent(limits.staffMaxDiscountPct),
          });
    }
    if (!anyPrice && line.unitPrice !== undefined && !new Decimal(line.unitPrice).equals(product.price)) {
      fields[`lines.${i}.unitPrice`] = say('Only a manager or owner can change the price ({{price}} for “{{name}}”)', {
        price: messageFormatter(currency).money(product.price),
        name: product.name,
      });
    }
  });
  if (!Object.keys(fields).length) return undefined;
  return new PermissionError('Some lines go beyond what your role may give: see the marked fields. Nothing was recorded.', fields);
}
