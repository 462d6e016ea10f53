import type { BucketType } from '../entities/snapshot.entity.js';
import { DATE_FIELD } from './sql-fragments.js';

// SQL date expressions per bucket type, shared by the rollup and the readers that list a range's buckets.

/** The buckets a rollup can produce; `range` is one bucket spanning a summary's whole date range. */
export type RollupBucket = BucketType | 'range';

/**
 * The first day of the bucket holding a local day (a date expression). Truncated as a timestamp: a date given to
 * date_trunc alone becomes a timestamptz in the session's time zone, twice as slow per row for the same date.
 */
export const BUCKET_DATE: Record<RollupBucket, (day: string) => string> = {
  daily: (day) => `(${day})::date`,
  weekly: (day) => `date_trunc('week', (${day})::timestamp)::date`,
  monthly: (day) => `date_trunc('month', (${day})::timestamp)::date`,
  range: () => `:range_start::date`,
};

/** The last calendar day of a bucket (maturity of ratios such as the activation rate, completeness of a bucket). */
export const BUCKET_LAST_DAY: Record<RollupBucket, (bucketDate: string) => string> = {
  daily: (date) => date,
  weekly: (date) => `(${date} + 6)`,
  monthly: (date) => `((${date} + interval '1 month')::date - 1)`,
  range: () => `:range_end::date`,
};

/**
 * How many days a local day (a date expression) lies after the first day of its ISO week or month, in integer
 * arithmetic: per row of ten million user-days, `date_trunc` on the day as a timestamp cost three times the rest of
 * the aggregate that needed it (userDayCountsSql). 2000-01-03 was a Monday; the outer modulo keeps days before it
 * right.
 */
export const DAYS_INTO_BUCKET: Record<'weekly' | 'monthly', (day: string) => string> = {
  weekly: (day) => `(((${day}) - DATE '2000-01-03') % 7 + 7) % 7`,
  monthly: (day) => `(${DATE_FIELD('day', day)} - 1)`,
};
