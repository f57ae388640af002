import { dateFormat, numberFormat } from './intl-cache.ts';
import { dateTag, localeOf, numberTag, type Locale } from './locales.ts';

// The one way to write a number, an amount, a day or an instant for a person to read: a
// formatter made per request from the business's currency, time zone and locale, through
// Intl. Decimals (Prisma.Decimal, or their text) reach Intl as their exact digits — Intl
// reads a numeric string as a decimal, not through a float — so what is shown is what is
// stored.

/** What the formatter needs to know about the business (or, later, the reader). */
export interface DisplayFacts {
  currency: string;
  timeZone: string;
  locale?: string | null;
}

/** Anything with an exact decimal text: Prisma.Decimal, its string, or a small integer. */
export type DecimalLike = { toFixed(digits?: number): string } | string | number;

export interface Formatter {
  readonly locale: Locale;
  readonly currency: string;
  readonly timeZone: string;
  /** "€1,743.73" (en), "1743,73 €" (es-ES); blank for null/undefined. */
  money(value: DecimalLike | null | undefined): string;
  /** Up to 3 decimals, no padding zeros: "1,234.5" (en), "1234,5" (es-ES). */
  quantity(value: DecimalLike | null | undefined): string;
  /** A movement of stock: "+5", "−1.5" (a true minus sign). */
  signedQuantity(value: DecimalLike): string;
  /** A percentage stored as 0–100: "21%", "10.5%" (en), "10,5 %" (es-ES). */
  percent(value: DecimalLike | null | undefined): string;
  /** A day: an instant in the business's zone, or a calendar day "YYYY-MM-DD": "1 Nov 2026". */
  date(value: Date | string | null | undefined): string;
  /** The clock time of an instant in the business's zone, 24-hour: "15:36". */
  time(value: Date | null | undefined): string;
  /** An instant in the business's zone: "1 Nov 2026, 15:36"; blank for null/undefined. */
  dateTime(value: Date | null | undefined): string;
  /** A month of a calendar day "YYYY-MM-DD": "February 2026". */
  month(day: string): string;
  /** A decimal as a form field shows it for editing: locale's decimal mark, no grouping ("89,95"). */
  input(value: DecimalLike | null | undefined): string;
  /** What the browser needs to format money the same way (Intl.NumberFormat(tag, options)). */
  readonly client: { tag: string; currency: string; moneyOptions: Intl.NumberFormatOptions; decimal: string };
}

/** Decimal text of a value, exact: a Decimal's own digits, a string as given. */
function exact(value: DecimalLike): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return value.toFixed();
}

/** Intl reads a numeric string as an exact decimal (ECMA-402 "Intl.NumberFormat v3"); its type says number. */
const asIntlDecimal = (text: string) => text as unknown as number;

export function moneyOptions(currency: string): Intl.NumberFormatOptions {
  return { style: 'currency', currency, signDisplay: 'negative' };
}

function moneyFormat(tag: string, currency: string): Intl.NumberFormat {
  try {
    return numberFormat(tag, moneyOptions(currency));
  } catch {
    // A code Intl refuses (the settings form only checks its shape): the number alone.
    return numberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'negative' });
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const noon = (day: string) => new Date(`${day}T12:00:00Z`);

/** Divides decimal text by 100 exactly (moves the point two places): "10.5" → "0.105". */
function percentToFraction(text: string): string {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '');
  const [int = '0', frac = ''] = digits.split('.');
  const padded = int.padStart(3, '0');
  const whole = padded.slice(0, -2).replace(/^0+(?=\d)/, '');
  return `${negative ? '-' : ''}${whole}.${padded.slice(-2)}${frac}`;
}

// A formatter holds nothing but its facts' Intl formatters: one per set of facts, for the
// process, as those are (every signed-in request asks for its business's).
const formatters = new Map<string, Formatter>();

export function createFormatter(facts: DisplayFacts): Formatter {
  const key = `${facts.locale}|${facts.currency}|${facts.timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = Object.freeze(buildFormatter(facts))));
  return formatter;
}

function buildFormatter(facts: DisplayFacts): Formatter {
  const locale = localeOf(facts.locale);
  const { currency, timeZone } = facts;
  const numbers = numberTag(locale);
  const dates = dateTag(locale);
  const money = moneyFormat(numbers, currency);
  const quantity = numberFormat(numbers, { maximumFractionDigits: 3 });
  const percent = numberFormat(numbers, { style: 'percent', maximumFractionDigits: 4 });
  const dayInZone = dateFormat(dates, { dateStyle: 'medium', timeZone });
  const dayInUtc = dateFormat(dates, { dateStyle: 'medium', timeZone: 'UTC' });
  const clock = dateFormat(dates, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const instant = dateFormat(dates, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone });
  const monthYear = dateFormat(dates, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const decimal =
    numberFormat(numbers, {})
      .formatToParts(1.5)
      .find((p) => p.type === 'decimal')?.value ?? '.';
  const formatQuantity = (value: DecimalLike) => quantity.format(asIntlDecimal(exact(value)));

  return {
    locale,
    currency,
    timeZone,
    money: (value) => (value === null || value === undefined ? '' : money.format(asIntlDecimal(exact(value)))),
    quantity: (value) => (value === null || value === undefined ? '' : formatQuantity(value)),
    signedQuantity: (value) => {
      const text = formatQuantity(value);
      return text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
    },
    percent: (value) => (value === null || value === undefined ? '' : percent.format(asIntlDecimal(percentToFraction(exact(value))))),
    date: (value) => {
      if (value === null || value === undefined || value === '') return '';
      if (typeof value === 'string') return ISO_DAY.test(value) ? dayInUtc.format(noon(value)) : value;
      return dayInZone.format(value);
    },
    time: (value) => (value ? clock.format(value) : ''),
    dateTime: (value) => (value ? instant.format(value) : ''),
    month: (day) => monthYear.format(noon(day)),
    input: (value) => {
      if (value === null || value === undefined) return '';
      const text = exact(value);
      return decimal === '.' ? text : text.replace('.', decimal);
    },
    client: { tag: numbers, currency, moneyOptions: moneyOptions(currency), decimal },
  };
}
