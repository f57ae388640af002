import { describe, expect, it } from 'vitest';
import { bucketsOf, bucketStart, isDay } from '../../src/balance/buckets.ts';
import { presetOf, presetRange } from '../../src/balance/presets.ts';
import { latestTo, rangeProblems } from '../../src/balance/balance.rules.ts';
import { bucketLabel, partialNote } from '../../src/balance/labels.ts';

describe('balance', () => {
  describe('buckets', () => {
    it('starts weeks on Monday (ISO) and months on the 1st', () => {
      expect(bucketStart('2026-03-29', 'week')).toBe('2026-03-23'); // a Sunday
      expect(bucketStart('2026-03-30', 'week')).toBe('2026-03-30'); // a Monday
      expect(bucketStart('2027-01-01', 'week')).toBe('2026-12-28'); // across the year
      expect(bucketStart('2024-02-29', 'month')).toBe('2024-02-01');
    });

    it('lists every bucket of the range, clipped to it, without gaps', () => {
      const weeks = bucketsOf('2026-12-30', '2027-01-12', 'week');
      expect(weeks).toEqual([
        { start: '2026-12-28', from: '2026-12-30', to: '2027-01-03' },
        { start: '2027-01-04', from: '2027-01-04', to: '2027-01-10' },
        { start: '2027-01-11', from: '2027-01-11', to: '2027-01-12' },
      ]);
      const months = bucketsOf('2024-01-15', '2024-03-10', 'month');
      expect(months.map((m) => [m.start, m.from, m.to])).toEqual([
        ['2024-01-01', '2024-01-15', '2024-01-31'],
        ['2024-02-01', '2024-02-01', '2024-02-29'],
        ['2024-03-01', '2024-03-01', '2024-03-10'],
      ]);
      const days = bucketsOf('2026-03-28', '2026-03-31', 'day'); // Europe's DST change is on the 29th
      expect(days.map((d) => d.start)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
      expect(bucketsOf('2023-01-01', '2025-12-31', 'day')).toHaveLength(1096);
    });

    it('labels buckets and says when the range cuts one', () => {
      expect(bucketLabel({ start: '2026-02-01', from: '2026-02-01', to: '2026-02-28' }, 'month')).toBe('February 2026');
      expect(partialNote({ start: '2026-02-01', from: '2026-02-01', to: '2026-02-28' }, 'month')).toBeUndefined();
      expect(partialNote({ start: '2026-02-01', from: '2026-02-10', to: '2026-02-28' }, 'month')).toBe('2026-02-10 – 2026-02-28');
      expect(partialNote({ start: '2026-03-02', from: '2026-03-02', to: '2026-03-04' }, 'week')).toBe('2026-03-02 – 2026-03-04');
    });
  });

  describe('range rules', () => {
    it('accepts real days only', () => {
      expect(isDay('2024-02-29')).toBe(true);
      for (const bad of ['2023-02-29', '2026-13-01', '2026-1-1', '20260101', '', 'yesterday', '2026-04-31']) expect(isDay(bad)).toBe(false);
    });

    it('refuses from after to, more than 3 years and bad dates, with a message per field', () => {
      expect(rangeProblems('2026-01-01', '2026-01-01')).toEqual({});
      expect(rangeProblems('2026-02-01', '2026-01-31').to).toMatch(/not be before/);
      expect(latestTo('2023-01-01')).toBe('2025-12-31');
      expect(rangeProblems('2023-01-01', '2025-12-31')).toEqual({});
      expect(rangeProblems('2023-01-01', '2026-01-01').to).toMatch(/3 years/);
      expect(rangeProblems('2026-02-30', 'soon')).toEqual({ from: expect.any(String), to: expect.any(String) });
    });
  });

  describe('presets', () => {
    it('end today and start on the month, 30 days, quarter and year', () => {
      expect(presetRange('this-month', '2026-05-17')).toEqual({ from: '2026-05-01', to: '2026-05-17' });
      expect(presetRange('last-30-days', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
      expect(presetRange('this-quarter', '2026-05-17')).toEqual({ from: '2026-04-01', to: '2026-05-17' });
      expect(presetRange('this-quarter', '2026-12-31')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
      expect(presetRange('this-year', '2026-05-17')).toEqual({ from: '2026-01-01', to: '2026-05-17' });
      expect(presetOf('2026-04-01', '2026-05-17', '2026-05-17')).toBe('this-quarter');
      expect(presetOf('2026-04-02', '2026-05-17', '2026-05-17')).toBe('custom');
    });
  });
});
