// The locales a business can choose. Each says how numbers and how dates are written:
// 'en' keeps the app's English layout (money as in the US, "$1,234.56"; dates day first
// with a 24-hour clock, "1 Dec 2026, 15:36"), which is what every page showed before a
// locale could be chosen.

export const LOCALES = ['en', 'es-ES', 'es-MX', 'pt-PT', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALE_LABELS: Record<Locale, string> = {
  en: 'English',
  'es-ES': 'Español (España)',
  'es-MX': 'Español (México)',
  'pt-PT': 'Português (Portugal)',
  'pt-BR': 'Português (Brasil)',
};

const tags: Record<Locale, { numbers: string; dates: string }> = {
  en: { numbers: 'en-US', dates: 'en-GB' },
  'es-ES': { numbers: 'es-ES', dates: 'es-ES' },
  'es-MX': { numbers: 'es-MX', dates: 'es-MX' },
  'pt-PT': { numbers: 'pt-PT', dates: 'pt-PT' },
  'pt-BR': { numbers: 'pt-BR', dates: 'pt-BR' },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A stored or asked-for locale as one of ours; anything else is English. */
export function localeOf(value: unknown): Locale {
  return isLocale(value) ? value : 'en';
}

/** The BCP 47 tag Intl formats numbers with for `locale` (also what the browser is given). */
export const numberTag = (locale: Locale): string => tags[locale].numbers;
/** The BCP 47 tag Intl formats dates and times with for `locale`. */
export const dateTag = (locale: Locale): string => tags[locale].dates;
