import type { Prisma } from '../generated/prisma/client.ts';
import { formatDateTime } from '../time.ts';

// Display helpers handed to catalog and settings views as `fmt`, in the business's currency
// and time zone. Decimals are formatted from their exact text, never through a float.

type Decimalish = Prisma.Decimal | string;

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, f);
  }
  return f;
}

/** "1234.5" → "1234.5", "12.000" → "12": quantities without padding zeros. */
export function formatQuantity(value: Decimalish): string {
  const text = typeof value === 'string' ? value : value.toFixed();
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export interface Formatters {
  currency: string;
  money(value: Decimalish | null | undefined): string;
  quantity(value: Decimalish): string;
  signedQuantity(value: Decimalish): string;
  dateTime(value: Date): string;
}

export function formatters(settings: { currency: string; timeZone: string }): Formatters {
  const money = moneyFormat(settings.currency);
  return {
    currency: settings.currency,
    // Intl formats a decimal string exactly (no float in between).
    money: (value) =>
      value === null || value === undefined
        ? ''
        : money.format((typeof value === 'string' ? value : value.toFixed(2)) as unknown as number),
    quantity: formatQuantity,
    signedQuantity: (value) => {
      const text = formatQuantity(value);
      return text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
    },
    dateTime: (value) => formatDateTime(value, settings.timeZone),
  };
}
