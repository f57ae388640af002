import { numberFormat } from './intl-cache.ts';
import { localeOf, numberTag } from './locales.ts';

// The one reader of numbers typed into forms (and CSV cells), by the reader's locale: in a
// decimal-comma locale "12,50" is 12.50 and "1.234,56" is 1234.56; in English "1,234.56"
// is 1234.56. The result is canonical decimal text ("1234.56"), never a float.
//
// The rule (docs/decisions/020-formatting-and-number-input.md):
//  - spaces (plain, no-break, thin) may group digits in threes, in any locale;
//  - '.' and ',' both present: the last one, once, is the decimal mark; the other groups;
//  - one mark, several times: it groups (1.234.567);
//  - one mark, once, followed by exactly three digits after a group of 1–3 digits
//    ("1.234", "12,500"): the locale's decimal mark there is a decimal; the locale's
//    grouping mark is refused as ambiguous (1234 or 1.234?), with a message saying how to
//    write either;
//  - one mark, once, anywhere else ("89.95", "1,5", ".5"): it can only be a decimal mark.

export type ParsedDecimal = { ok: true; value: string } | { ok: false; reason: 'invalid' | 'ambiguous'; message: string };

const SPACE = /[\s\u00a0\u202f\u2009]/;
const SPACES = /[\s\u00a0\u202f\u2009]/g;
const separators = new Map<string, string>();

/** The decimal mark of `locale` ("," or "."). */
export function decimalMark(locale: string | null | undefined): ',' | '.' {
  const tag = numberTag(localeOf(locale));
  let mark = separators.get(tag);
  if (!mark) separators.set(tag, (mark = numberFormat(tag, {}).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.'));
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
  const group = decimal === ',' ? '.' : ',';
  const invalid: ParsedDecimal = { ok: false, reason: 'invalid', message: 'must be a number' };
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

  const dots = body.split('.').length - 1;
  const commas = body.split(',').length - 1;
  if (dots === 0 && commas === 0) return { ok: true, value: canonical(sign, body, '') };

  if (dots > 0 && commas > 0) {
    const last = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
    const other = last === '.' ? ',' : '.';
    if ((last === '.' ? dots : commas) !== 1) return invalid;
    const [int = '', frac = ''] = body.split(last);
    if (!groupedInThrees(int, other) || !/^\d*$/.test(frac)) return invalid;
    return { ok: true, value: canonical(sign, int.split(other).join(''), frac) };
  }

  const mark = dots > 0 ? '.' : ',';
  if ((mark === '.' ? dots : commas) > 1) {
    if (!groupedInThrees(body, mark)) return invalid;
    return { ok: true, value: canonical(sign, body.split(mark).join(''), '') };
  }

  const [int = '', frac = ''] = body.split(mark);
  if (groupedInThrees(body, mark) && mark === group) {
    const asWhole = `${int}${frac}`;
    const asDecimal = `${int}${decimal}${frac}`;
    return {
      ok: false,
      reason: 'ambiguous',
      message: `“${trimmed}” could be ${sign === '-' ? '-' : ''}${asWhole} or ${sign === '-' ? '-' : ''}${asDecimal}: write ${asWhole} without the “${group}”, or use “${decimal}” for decimals`,
    };
  }
  if (int === '' && frac === '') return invalid;
  return { ok: true, value: canonical(sign, int, frac) };
}
