// Formatting and number input: the core module every part shows numbers, money, days and
// times with, and reads typed numbers with. It imports no part.
export { createFormatter, moneyOptions, type DecimalLike, type DisplayFacts, type Formatter } from './formatter.ts';
export { decimalMark, parseDecimal, type ParsedDecimal } from './parse-decimal.ts';
export { LOCALES, LOCALE_LABELS, isLocale, localeOf, numberTag, type Locale } from './locales.ts';
export { currentInputLocale, messageFormatter, withInputLocale } from './input-locale.ts';
