/** Today's date in a timezone, as YYYY-MM-DD (the calendar the reporting timezone lives in). */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant)
    .reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Consecutive dates grouped into [first, last] ranges. */
export function contiguousRanges(sortedDates: string[], nextDay: (date: string) => string): [string, string][] {
  const ranges: [string, string][] = [];
  for (const date of sortedDates) {
    const last = ranges[ranges.length - 1];
    if (last && nextDay(last[1]) === date) last[1] = date;
    else ranges.push([date, date]);
  }
  return ranges;
}
