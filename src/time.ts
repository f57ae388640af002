// Time is stored in UTC and shown in the tenant's zone; these are the only conversions
// (writing a day or an instant for people is src/format's).

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(instant);
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (east positive). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** The UTC instant at which local wall-clock `YYYY-MM-DD` + `minutes` after midnight happens in `timeZone`. */
export function zonedInstant(day: string, timeZone: string, minutesAfterMidnight = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = new Date(Date.UTC(y, m - 1, d, 0, minutesAfterMidnight));
  const first = new Date(guess.getTime() - zoneOffsetMinutes(guess, timeZone) * 60000);
  // Re-check once: the offset at the real instant can differ across a DST change.
  return new Date(guess.getTime() - zoneOffsetMinutes(first, timeZone) * 60000);
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** [from, to] local days → a UTC instant range (either end optional), for list filters. */
export function dayRange(timeZone: string, from?: string, to?: string): { gte?: Date; lt?: Date } | undefined {
  if (!from && !to) return undefined;
  return { ...(from ? { gte: zonedInstant(from, timeZone) } : {}), ...(to ? { lt: zonedInstant(addDays(to, 1), timeZone) } : {}) };
}
