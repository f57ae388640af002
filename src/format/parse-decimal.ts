import { numberFormat } from './intl-cache.ts';
import { localeOf, numberTag } from './locales.ts';

// The one reader of numbers typed into forms (and CSV cells), by the reader's locale: in a
// decimal-comma locale "12,50" is 12.50 and "1.234,56" is 1234.56; in English "1,234.56"
// is 1234.56. The result is canonical decimal text ("1234.56"), never a float.
//
// The rule, the locale's own (docs/decisions/020-formatting-and-number-input.md):
//  - the locale's decimal mark ("," in es-ES, pt-PT, pt-BR; "." in en, es-MX), at most once;
//  - its grouping mark (the other one), or spaces, only in groups of three before it;
//  - anything else is not a number ("10,00" in English, "1,234.56" in es-ES), with a message
//    naming the decimal mark;
//  - one group mark and nothing else ("1.234" in es-ES, "1,234" in English) is refused as
//    ambiguous — 1234 by the rule, 1.234 by habit — with a message saying how to write either.

/**
 * A refusal carries its parts for a message in the reader's language (src/db/fields.ts
 * writes it): the locale's decimal and grouping marks, and for an ambiguous number the text
 * typed and its two readings. `message` is the same in English, for code outside a request.
 */
export type ParsedDecimal =
  | { ok: true; value: string }
  | {
      ok: false;
      reason: 'invalid' | 'ambiguous';
      message: string;
      /** Whether the message names the decimal mark ("must be a number (decimals after “,”)"). */
      namesMark: boolean;
      decimal: ',' | '.';
      group: ',' | '.';
      /** An ambiguous number: as typed, as a whole number ("1234") and as a decimal ("1,234"). */
      text?: string;
      whole?: string;
      fraction?: string;
    };

const SPACE = /[\s\u00a0\u202f\u2009]/;
const SPACES = /[\s\u00a0\u202f\u2009]/g;
const separators = new Map<string, string>();

/** The decimal mark of `locale` ("," or "."). */
export function decimalMark(locale: string | null | undefined): ',' | '.' {
  const tag = numberTag(localeOf(locale));
  let mark = separators.get(tag);
  if (!mark)
    separators.set(
      tag,
      (mark =
        numberFormat(tag, {})
          .formatToParts(1.5)
          .find((p) => p.type === 'decimal')?.value ?? '.'),
    );
  return mark === ',' ? ',' : '.';
}

/** Digits grouped in threes by `mark` ("1.234.567"): the first group 1–3 digits, not a lone 0. */
function groupedInThrees(text: string, mark: string): boolean {
  const groups = text.split(mark);
  const [first = '', ...rest] = groups;
  return /^[1-9]\d{0,2}$/.test(first) && rest.length > 0 && rest.every((g) => /^\d{3}$/.test(g));
}

function canonical(sign: string, int: string, frac: string): string {
  const whole = int.replace(/^0+(?=\d)/, '') || '0';
  return `${sign === '-' ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export function parseDecimal(text: string, locale: string | null | undefined): ParsedDecimal {
  const decimal = decimalMark(locale);
  const group: ',' | '.' = decimal === ',' ? '.' : ',';
  const invalid: ParsedDecimal = { ok: false, reason: 'invalid', message: 'must be a number', namesMark: false, decimal, group };
  const trimmed = text.trim();
  const signed = /^([+-]?)(.*)$/s.exec(trimmed);
  const sign = signed?.[1] ?? '';
  let body = signed?.[2] ?? '';
  // Spaces group thousands ("1 234,50"): only between digits in threes.
  if (SPACE.test(body)) {
    const [intPart = '', ...more] = body.split(/[.,]/);
    if (!groupedInThrees(intPart.replace(SPACES, ' '), ' ') || more.some((m) => SPACE.test(m))) return invalid;
    body = body.replace(SPACES, '');
  }
  if (!/^[\d.,]+$/.test(body) || !/\d/.test(body)) return invalid;

  const wrongMark: ParsedDecimal = {
    ok: false,
    reason: 'invalid',
    message: `must be a number (decimals after “${decimal}”)`,
    namesMark: true,
    decimal,
    group,
  };
  const decimals = body.split(decimal).length - 1;
  const groups = body.split(group).length - 1;
  if (decimals > 1) return groups > 0 ? wrongMark : invalid;
  const [int = '', frac = ''] = body.split(decimal);
  if (frac.includes(group)) return wrongMark;
  if (groups === 0) {
    if (int === '' && frac === '') return invalid;
    return { ok: true, value: canonical(sign, int, frac) };
  }
  if (!groupedInThrees(int, group)) return wrongMark;
  if (decimals === 0 && groups === 1) {
    // "1.234" in es-ES, "1,234" in English: grouping by the locale's rule, a decimal by habit.
    const [head = '', tail = ''] = int.split(group);
    const minus = sign === '-' ? '-' : '';
    const whole = `${minus}${head}${tail}`;
    const fraction = `${minus}${head}${decimal}${tail}`;
    return {
      ok: false,
      reason: 'ambiguous',
      message: `“${trimmed}” could be ${whole} or ${fraction}: write ${whole} without the “${group}”, or use “${decimal}” for decimals`,
      namesMark: false,
      decimal,
      group,
      text: trimmed,
      whole,
      fraction,
    };
  }
  return { ok: true, value: canonical(sign, int.split(group).join(''), frac) };
}
