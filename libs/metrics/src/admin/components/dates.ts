// Date ranges of the filters. Dates are YYYY-MM-DD strings; the arithmetic is done in UTC so it never shifts.

export type Preset = '7d' | '30d' | '90d' | '12m' | 'custom';
export type BucketType = 'daily' | 'weekly' | 'monthly';

export const PRESETS: { value: Preset; label: string }[] = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '12m', label: 'Last 12 months' },
  { value: 'custom', label: 'Custom' },
];

const DAY = 86_400_000;

export const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
export const toIso = (date: Date) => date.toISOString().slice(0, 10);
export const addDays = (iso: string, days: number) => toIso(new Date(toDate(iso).getTime() + days * DAY));
export const daysBetween = (start: string, end: string) =>
  Math.round((toDate(end).getTime() - toDate(start).getTime()) / DAY);

/** Yesterday: the last day the daily schedule has computed. */
export function defaultEnd(now = new Date()): string {
  return addDays(toIso(now), -1);
}

export function presetRange(preset: Exclude<Preset, 'custom'>, end: string): { start: string; end: string } {
  if (preset === '12m') {
    const date = toDate(end);
    date.setUTCFullYear(date.getUTCFullYear() - 1);
    return { start: addDays(toIso(date), 1), end };
  }
  const days = { '7d': 7, '30d': 30, '90d': 90 }[preset];
  return { start: addDays(end, -(days - 1)), end };
}

/** The range of the same length just before: the KPI cards' "change vs previous period". */
export function previousRange(start: string, end: string): { start: string; end: string } {
  const length = daysBetween(start, end) + 1;
  return { start: addDays(start, -length), end: addDays(start, -1) };
}

/**
 * "Auto" keeps charts at a few hundred points at most, so 3 years of data stays fast to fetch and draw:
 * daily up to ~4 months, weekly up to ~18 months, monthly beyond.
 */
export function autoBucket(start: string, end: string): BucketType {
  const days = daysBetween(start, end) + 1;
  if (days <= 120) return 'daily';
  if (days <= 550) return 'weekly';
  return 'monthly';
}

/** The bucket a day belongs to: the day, its ISO week's Monday, or its month's 1st (where charts draw it). */
export function bucketOf(day: string, bucket: BucketType): string {
  if (bucket === 'daily') return day;
  if (bucket === 'monthly') return `${day.slice(0, 7)}-01`;
  const weekday = (toDate(day).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export type Compare = 'none' | 'previous' | 'year';

/** The range a chart overlays: the previous period of the same length, or the same days a year earlier. */
export function compareRange(start: string, end: string, compare: Exclude<Compare, 'none'>) {
  if (compare === 'previous') return previousRange(start, end);
  const yearEarlier = (iso: string) => {
    const date = toDate(iso);
    date.setUTCFullYear(date.getUTCFullYear() - 1);
    return toIso(date);
  };
  return { start: yearEarlier(start), end: yearEarlier(end) };
}
