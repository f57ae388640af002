import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';
import type { RequestHandler } from 'express';
import { withReaderLanguage } from './say.ts';

export { readerLanguage, say, withReaderLanguage } from './say.ts';

// Pages in the user's language. Keys are the English text itself, so English pages read
// exactly as written in the views and a missing translation shows English rather than a key;
// locales/en holds only what English needs beyond the key (plural forms).
// Resources are JSON files read once at start, synchronously: no file backend, no reload.

export const languages = ['en', 'es', 'pt-BR'] as const;
export type Language = (typeof languages)[number];

/** Each language's name in itself, for the switch. */
export const languageNames: Record<Language, string> = { en: 'English', es: 'Español', 'pt-BR': 'Português (Brasil)' };

/** The cookie that keeps a signed-out visitor's choice. */
export const languageCookie = 'lang';

const localesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales');

export function loadResources(): Record<Language, Record<string, string>> {
  const read = (lng: Language) =>
    JSON.parse(readFileSync(path.join(localesDir, lng, 'translation.json'), 'utf8')) as Record<string, string>;
  return { en: read('en'), es: read('es'), 'pt-BR': read('pt-BR') };
}

/** A supported language for a stored or sent code ('pt', 'pt-PT' and 'pt-BR' read as pt-BR, 'es-MX' as es), or null. */
export function toLanguage(code: unknown): Language | null {
  if (typeof code !== 'string' || code === '') return null;
  const lower = code.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'es' || lower.startsWith('es-')) return 'es';
  if (lower === 'pt' || lower.startsWith('pt-')) return 'pt-BR';
  return null;
}

function build(): I18n {
  const instance = i18next.createInstance();
  const detector = new LanguageDetector(null, {
    order: ['cookie', 'header'],
    lookupCookie: languageCookie,
    caches: false,
    convertDetectedLanguage: (lng: string) => toLanguage(lng) ?? lng,
  });
  void instance.use(detector).init({
    resources: Object.fromEntries(Object.entries(loadResources()).map(([lng, translation]) => [lng, { translation }])),
    supportedLngs: [...languages],
    fallbackLng: 'en',
    nonExplicitSupportedLngs: false,
    keySeparator: false,
    nsSeparator: false,
    returnEmptyString: false,
    // Views escape with <%= %>; a translation is text like any other.
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

export const i18n = build();

/** A `t` for one language outside a request (PDFs made later, tests). */
export function fixedT(lng: Language): TFunction {
  return i18n.getFixedT(lng);
}

/** A `t` in the first of `chosen` that is a supported language (a user's, then the business's), else English: for e-mail. */
export function tFor(chosen: (string | null | undefined)[]): TFunction {
  return fixedT(chosen.map(toLanguage).find((l) => l !== null) ?? 'en');
}

/** Detects the visitor's language (cookie, then Accept-Language) and gives `req.t`, `req.language`, views `t` and `lang`. */
export function languageMiddleware(): RequestHandler {
  const detect = handle(i18n);
  return (req, res, next) => {
    detect(req, res, () => {
      res.locals.lang = req.language;
      // req.t follows a later change of language (the signed-in user's own), so messages do too.
      withReaderLanguage(req.t, next);
    });
  };
}

/** After sign-in: the user's own language, else the business's, else what was detected. */
export async function useLanguage(
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  chosen: (string | null)[],
): Promise<void> {
  const lng = chosen.map(toLanguage).find((l) => l !== null);
  if (!lng || lng === req.language) return;
  await req.i18n.changeLanguage(lng);
  res.locals.lang = lng;
}
