import { Prisma } from '../generated/prisma/client.ts';

type Decimal = Prisma.Decimal;
const Decimal = Prisma.Decimal;

// Money and quantities for display. Intl.NumberFormat formats a decimal *string* exactly
// (no float on the way), so the Decimal's own digits are what the user reads.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

type Formattable = Decimal | string | number | null | undefined;

function asString(value: Formattable): string {
  if (value === null || value === undefined) return '0';
  return value instanceof Decimal ? value.toFixed() : new Decimal(value).toFixed();
}

export function formatMoney(value: Formattable, currency: string, locale = 'en-US'): string {
  const f = formatter(`m|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));
  return f.format(asString(value) as unknown as number);
}

/** Quantities: up to 3 decimals, no trailing zeros. */
export function formatQuantity(value: Formattable, locale = 'en-US'): string {
  const f = formatter(`q|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }));
  return f.format(asString(value) as unknown as number);
}

/** Percentages stored as 0–100 with 2 decimals. */
export function formatPercent(value: Formattable): string {
  return `${new Decimal(asString(value)).toFixed()}%`;
}
