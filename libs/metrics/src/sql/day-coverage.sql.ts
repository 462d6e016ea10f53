import { markOf, type MarkSource } from './dirty-marks.sql.js';

/**
 * The days a per-day derived state holds exactly (the per-user activity state, the key-action days): one row per
 * state table (or none: nothing is known), naming the timezone its local days are in and the source relation it was
 * folded from, and the days [first_day, last_day] folded for every tenant. `sources`: what the state is made from
 * (a day marked for another source's late data is still held exactly).
 */
export function dayCoverageSql(coverageTable: string, stateTable: string, sources: readonly MarkSource[]) {
  return {
    read: `SELECT timezone, source, first_day::text AS first_day, last_day::text AS last_day
    FROM ${coverageTable}`,
    /**
     * The folded days [:f0, :f1] before today (a day to date is not final) join the covered days when they touch
     * them; otherwise the later interval is kept.
     */
    extend: `INSERT INTO ${coverageTable} (singleton, timezone, source, first_day, last_day)
    SELECT true, :tz, :source, :f0::date, folded_through FROM (
      SELECT least(:f1::date, (:as_of::timestamptz AT TIME ZONE :tz)::date - 1) AS folded_through) AS folded
    WHERE folded_through >= :f0::date
    ON CONFLICT (singleton) DO UPDATE SET
      first_day = CASE
        WHEN EXCLUDED.first_day <= ${coverageTable}.last_day + 1
         AND EXCLUDED.last_day >= ${coverageTable}.first_day - 1
        THEN least(${coverageTable}.first_day, EXCLUDED.first_day)
        WHEN EXCLUDED.last_day > ${coverageTable}.last_day THEN EXCLUDED.first_day
        ELSE ${coverageTable}.first_day END,
      last_day = CASE
        WHEN EXCLUDED.first_day <= ${coverageTable}.last_day + 1
         AND EXCLUDED.last_day >= ${coverageTable}.first_day - 1
        THEN greatest(${coverageTable}.last_day, EXCLUDED.last_day)
        WHEN EXCLUDED.last_day > ${coverageTable}.last_day THEN EXCLUDED.last_day
        ELSE ${coverageTable}.last_day END`,
    forget: `DELETE FROM ${coverageTable}`,
    reset: `TRUNCATE ${stateTable}, ${coverageTable}`,
    /**
     * Whether the state holds the local days [from, to] exactly for a reader in timezone :tz reading :source: covered
     * by the folds, and no day of it waiting to be recomputed for late data of the state's sources.
     */
    holds: (from: string, to: string) => `SELECT
    EXISTS (SELECT 1 FROM ${coverageTable}
            WHERE timezone = :tz AND source = :source AND first_day <= ${from} AND last_day >= ${to})
    AND NOT EXISTS (SELECT 1 FROM metrics_dirty_day WHERE day BETWEEN ${from} AND ${to} AND ${markOf(sources)}) AS holds`,
  };
}

/** A state's coverage as read (dayCoverageSql's `read`). */
export interface DayCoverage {
  timezone: string;
  source: string;
  first: string;
  last: string;
}

/** A coverage row as `read` answers it (or none), as a DayCoverage. */
export function dayCoverageOf(row: Record<string, string> | undefined): DayCoverage | undefined {
  return row ? { timezone: row.timezone, source: row.source, first: row.first_day, last: row.last_day } : undefined;
}
