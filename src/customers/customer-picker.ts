import type { Formatter } from '../format/index.ts';
import type { CustomerChoice, CustomerPicker } from './customers.service.ts';

// What a customer picker shows, in the page's language: the same words when the server
// renders the select and when the picker's script asks /customers/search for more.

type Translate = (text: string, options?: Record<string, unknown>) => string;
/** Counts as the page writes numbers (the formatter's). */
type Count = (n: number) => string;

/** "Ana García · ana@example.com"; with neither email nor phone, the number tells a namesake apart. */
export function choiceLabel(t: Translate, c: CustomerChoice): string {
  const tellApart = c.contact || (c.sameName ? t('customer #{{id}}', { id: c.id }) : '');
  return tellApart ? `${c.name} · ${tellApart}` : c.name;
}

/** What the line under the picker says about what is listed (blank when every customer is). */
export function pickerStatus(t: Translate, n: Count, picker: CustomerPicker, q: string): string {
  if (!q.trim()) return picker.more > 0 ? t('{{n}} more customers: type to find them', { count: picker.more, n: n(picker.more) }) : '';
  if (!picker.matching) return t('No customer matches');
  if (picker.more > 0)
    return t('The first {{shown}} of {{n}} matching customers: type more to narrow', {
      count: picker.matching,
      n: n(picker.matching),
      shown: n(picker.matching - picker.more),
    });
  return t('{{n}} customers match', { count: picker.matching, n: n(picker.matching) });
}

export interface PickerView {
  options: Array<{ id: number; label: string; limitReached: boolean }>;
  /** With the script (which can search): what is listed. */
  status: string;
  /** Without it: how many are not listed (found from the customers page). */
  more: number;
}

/** The page's formatter (res.locals.fmt, set for pages and the search alike) as a count writer. */
export function countOf(res: { locals: Record<string, unknown> }): Count {
  const fmt = res.locals.fmt as Formatter;
  return (n) => fmt.quantity(n);
}

export function pickerView(t: Translate, n: Count, picker: CustomerPicker, q = ''): PickerView {
  return {
    options: picker.choices.map((c) => ({ id: c.id, label: choiceLabel(t, c), limitReached: c.limitReached })),
    status: pickerStatus(t, n, picker, q),
    more: picker.more,
  };
}
