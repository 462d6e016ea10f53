/**
 * Calendar dates as 'YYYY-MM-DD' strings. They name local days in the reporting timezone; arithmetic on
 * them is pure calendar arithmetic (done in UTC so that no DST shift can move a date).
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}

export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** The Monday of the ISO week that holds `date` (PostgreSQL's date_trunc('week', …)). */
export function isoWeekStart(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

export function addMonths(date: string, months: number): string {
  const value = new Date(`${monthStart(date)}T00:00:00Z`);
  value.setUTCMonth(value.getUTCMonth() + months);
  return value.toISOString().slice(0, 10);
}

/** Splits [start, end] at each 1 January: one range per calendar year (the first and last may be partial). */
export function calendarYearChunks(start: string, end: string): [string, string][] {
  const chunks: [string, string][] = [];
  for (let chunkStart = start; chunkStart <= end;) {
    const yearEnd = `${chunkStart.slice(0, 4)}-12-31`;
    const chunkEnd = yearEnd < end ? yearEnd : end;
    chunks.push([chunkStart, chunkEnd]);
    chunkStart = addDays(chunkEnd, 1);
  }
  return chunks;
}
