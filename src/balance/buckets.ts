import { addDays } from '../time.ts';
import type { Granularity } from './balance.types.ts';

// Calendar buckets over local days (YYYY-MM-DD, already in the tenant's zone): days, ISO
// weeks starting on Monday, and months. Pure date arithmetic on UTC midnights, so no
// daylight-saving change can shift a bucket.

export interface BucketSpan {
  start: string;
  from: string;
  to: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) && Number(m[1]) >= 1900
  );
}

/** 0 = Monday … 6 = Sunday. */
export function isoWeekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function monthEnd(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function bucketStart(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'week') return addDays(day, -isoWeekday(day));
  return monthStart(day);
}

export function bucketEnd(start: string, granularity: Granularity): string {
  if (granularity === 'day') return start;
  if (granularity === 'week') return addDays(start, 6);
  return monthEnd(start);
}

/** Whole days from `from` to `to` (to − from; 0 for the same day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Every bucket touching [from, to], in order, each clipped to the range. */
export function bucketsOf(from: string, to: string, granularity: Granularity): BucketSpan[] {
  const out: BucketSpan[] = [];
  for (let start = bucketStart(from, granularity); start <= to; start = addDays(bucketEnd(start, granularity), 1)) {
    const end = bucketEnd(start, granularity);
    out.push({ start, from: start < from ? from : start, to: end > to ? to : end });
  }
  return out;
}
