import { addDays } from '../time.ts';
import { monthStart } from './buckets.ts';

// Date-range presets of the balance page, each ending today (in the tenant's zone).

export const PRESETS = ['this-month', 'last-30-days', 'this-quarter', 'this-year', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, string> = {
  'this-month': 'This month',
  'last-30-days': 'Last 30 days',
  'this-quarter': 'This quarter',
  'this-year': 'This year',
  custom: 'Custom',
};

function quarterStart(day: string): string {
  const month = Number(day.slice(5, 7));
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  return `${day.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
}

/** The range of a preset (not 'custom') for `today`, YYYY-MM-DD. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  switch (preset) {
    case 'this-month':
      return { from: monthStart(today), to: today };
    case 'last-30-days':
      return { from: addDays(today, -29), to: today };
    case 'this-quarter':
      return { from: quarterStart(today), to: today };
    case 'this-year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
  }
}

/** Which preset a range is, for `today`; 'custom' when none matches. */
export function presetOf(from: string, to: string, today: string): Preset {
  for (const p of PRESETS) {
    if (p === 'custom') continue;
    const r = presetRange(p, today);
    if (r.from === from && r.to === to) return p;
  }
  return 'custom';
}
