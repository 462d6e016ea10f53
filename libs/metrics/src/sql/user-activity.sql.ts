import { DATE_FIELD, TENANT_FILTER } from './sql-fragments.js';
import { BUCKET_DATE } from './bucket-dates.js';
import { WINDOW_DAYS } from './stored-eve.sql.js';
import { dayCoverageSql } from './day-coverage.sql.js';
import { STATE_SOURCES } from './dirty-marks.sql.js';

/**
 * The persistent per-user activity state (docs/performance.md, "Per-user activity state"): one row per tenant,
 * user and calendar year of local days, bit n of `days` set when the user was active on day n of that year (1 = the
 * 1st of January), with the first and last active day of that year beside it so a window's users are found by
 * `last_day` without reading every row. Derived data: folded from the activity source by the compute itself.
 */
export const USER_ACTIVITY_TABLE = 'metrics_user_activity';
export const USER_ACTIVITY_COVERAGE_TABLE = 'metrics_user_activity_coverage';

/** A bit string of a year's days with every bit clear, and with every bit set. */
const NO_DAYS = `B'0'::bit(366)`;
const ALL_DAYS = `(~${NO_DAYS})`;

/** The bit of one local day in its year's string (`year`: the day's year, an int expression). */
const DAY_BIT = (day: string, year: string) => `(B'1'::bit(366) >> (${day} - make_date(${year}, 1, 1)))`;

/** The bit (day of the year, from 1) where days from `from` begin in `year`: 1 when `from` lies in an earlier year. */
const firstBitFrom = (year: string, from: string) =>
  `CASE WHEN ${from} > make_date(${year}, 1, 1) THEN ${DATE_FIELD('doy', from)} ELSE 1 END`;

/** A mask of the days [from, to] of one year, the range clipped to that year (`year` an int expression): the fold clears them. */
const rangeMask = (year: string, from: string, to: string) => {
  const first = firstBitFrom(year, from);
  const last = `CASE WHEN ${to} < make_date(${year}, 12, 31) THEN ${DATE_FIELD('doy', to)} ELSE 366 END`;
  return `((${ALL_DAYS} >> (${first} - 1)) & (${ALL_DAYS} << (366 - (${last}))))`;
};

/**
 * The bits of the days [from, to] of a row's year, the range clipped to that year: a substring of `days`, from date
 * arithmetic alone. A range that misses the year gives no bits (the length is never negative, which substring refuses,
 * whatever order the planner tests a row's conditions in). Testing a week this way costs about half of masking the
 * row with two 366-bit strings (a backfill's cohorts at scale 1 test 6 million member-weeks).
 */
const rangeBits = (row: string, from: string, to: string) => {
  const offset = (day: string) => `(${day} - make_date(${row}year, 1, 1))`;
  const first = `greatest(${offset(from)}, 0)`;
  return `substring(${row}days FROM ${first} + 1 FOR greatest(least(${offset(to)}, 365) - ${first} + 1, 0))`;
};

/**
 * Whether a state row that touches the local days [from, to] (its last active day on or after `from`, its first on or
 * before `to`) has a bit of them set. When its first or last active day lies inside the range, that active day is
 * the answer without reading a bit; only a row whose active days reach past the range on both sides counts the bits
 * of the range. `row`: the table's alias with its dot, or ''.
 */
export const touchingRowActiveIn = (row: string, from: string, to: string) =>
  `(${row}last_day <= ${to} OR ${row}first_day >= ${from}
        OR bit_count(${rangeBits(row, from, to)}) > 0)`;

/** The first and last active day of a year's bit string (null when no bit is set). */
const FIRST_DAY = (year: string, days: string) =>
  `(make_date(${year}, 1, 1) + nullif(position(B'1' IN ${days}), 0) - 1)`;
const LAST_DAY = (year: string, days: string) =>
  `(make_date(${year}, 1, 1) + nullif(length(rtrim(${days}::text, '0')), 0) - 1)`;

/**
 * Rows (alias `row`, with its dot, or '') whose last active day is on or after `from`, found by the index on the
 * month of that day (`last_month`, stored: migration 1765411200000). `last_day` itself is not indexed, so a night's
 * rewrite of a user's row (its `last_day` moved, rarely its month) writes no index entry and stays on its page.
 */
export const lastDayFrom = (row: string, from: string) =>
  `${row}last_month >= ${BUCKET_DATE.monthly(from)} AND ${row}last_day >= ${from}`;

/**
 * The state's rows that may hold a bit of the local days [from, to] (the scope's, by :tenant). A row's first and
 * last active day lie in its year, so these two bounds also keep the rows of the range's years only; a test on
 * `year` as well led the all-tenants run to read the unique key's every entry of the year (its first column is
 * tenant_id) beside the index of the last active day's month.
 */
const rowsTouching = (from: string, to: string) =>
  `${lastDayFrom('', from)} AND first_day <= ${to} AND ${TENANT_FILTER}`;

/**
 * A folded row's first and last active day, mostly without reading its bits. A stored day before :f0 (after :f1) is
 * outside the cleared days, so it is still the first (last); otherwise the folded days, all in [:f0, :f1], come before
 * (after) any stored bit left; only a row without either (a user no longer active in the folded days) reads its bits.
 * Reading them as text cost ~3 µs a row: ~100 ms of a scale-1 night's 36,000 rows, ~1 s of a backfill's 353,000.
 */
const FOLDED_FIRST_DAY = `CASE WHEN stored_first < :f0::date THEN stored_first
        WHEN folded_first IS NOT NULL THEN folded_first ELSE ${FIRST_DAY('year', 'days')} END`;
const FOLDED_LAST_DAY = `CASE WHEN stored_last > :f1::date THEN stored_last
        WHEN folded_last IS NOT NULL THEN folded_last ELSE ${LAST_DAY('year', 'days')} END`;

/**
 * The user-days of the local days [:f0, :f1] from `userDays` (a table of tenant_id, user_id, day read from the
 * activity source in this run) as the state's rows: one per tenant, user and year, with the bits of those days and the
 * first and last of them. Built into a table of its own (FOLDED_USER_YEARS_TABLE) and analysed, which foldUserYearsSql
 * then folds: see there.
 */
export function foldedUserYearsSql(userDays: string): string {
  return `SELECT tenant_id, user_id, ${DATE_FIELD('year', 'day')} AS year, bit_or(${DAY_BIT('day', DATE_FIELD('year', 'day'))}) AS days,
             min(day) AS first_day, max(day) AS last_day
      FROM ${userDays} WHERE day BETWEEN :f0::date AND :f1::date GROUP BY 1, 2, 3`;
}

/**
 * The state's rows of a table of each user's ordered active days (activeDaysOfRunSql), one per tenant, user and
 * calendar year with a day: the year's days are a slice of the user's, its bounds found by binary search
 * (`width_bucket` of the year's eve and last day among the sorted days: how many of them lie on or before it), and
 * only the slice's days are read for the bits. Computed once per user, where the days' year and day of the year were
 * each computed per event (`date_part`, ~50 and ~100 ns a row) and every day's bit set within a grouping by year.
 */
export function userYearsOfActiveDaysSql(activeDays: string): string {
  return `SELECT u.tenant_id, u.user_id, y.year, bits.days,
             u.active_days[y.days_before + 1] AS first_day, u.active_days[y.days_through] AS last_day
      FROM ${activeDays} AS u
      CROSS JOIN LATERAL (
        SELECT year, days_before, days_through FROM (
          SELECT year, width_bucket(make_date(year, 1, 1) - 1, u.active_days) AS days_before,
                 width_bucket(make_date(year, 12, 31), u.active_days) AS days_through
          FROM generate_series(${DATE_FIELD('year', 'u.active_days[1]')},
                               ${DATE_FIELD('year', 'u.active_days[cardinality(u.active_days)]')}) AS year) AS bounds
        WHERE days_through > days_before) AS y
      CROSS JOIN LATERAL (
        SELECT bit_or(${DAY_BIT('day', 'y.year')}) AS days
        FROM unnest(u.active_days[y.days_before + 1 : y.days_through]) AS day) AS bits`;
}

/**
 * Folds the user-years of the local days [:f0, :f1] in `userYears` (its rows the state's, one per tenant, user and
 * year, read from the activity source for exactly those days: a whole run's, userYearsOfActiveDaysSql, or a chunk's,
 * foldedUserYearsSql) into the state, exactly: every bit of those days is cleared for the scope's users and set again
 * from them, so an event that was deleted or moved since the last fold is gone too. Rows left without any bit are
 * deleted.
 *
 * The table is analysed first: the join of the fold (foldSql) then hashes it and reads the state's rows once, as they
 * come. Grouped inside the statement, the folded rows had no statistics of their own, and the planner hashed the
 * state's rows instead (at scale 1 a night's 170,000 to meet 59,522): a night's fold with the folded rows' table
 * built and analysed took ~415 ms (its three statements) where it took ~470 (replayed in psql, alternated, medians).
 */
export function foldUserYearsSql(userYears: string): string {
  return foldSql(`SELECT tenant_id, user_id, year, days, first_day, last_day FROM ${userYears}`);
}

/**
 * A whole run's user-years (userYearsOfActiveDaysSql) written into an empty state as they are: with no stored row to meet,
 * what foldUserYearsSql would write is these rows (each has a day, its first and last beside its bits). A fresh
 * backfill writes them before the state's indexes are built (SnapshotWritesRepository.foldUserDays).
 */
export function fillEmptyStateSql(userYears: string): string {
  return `INSERT INTO ${USER_ACTIVITY_TABLE} (tenant_id, user_id, year, days, first_day, last_day)
      SELECT tenant_id, user_id, year, days, first_day, last_day FROM ${userYears}`;
}

/** Whether the state has no row at all. */
export const STATE_EMPTY_SQL = `SELECT NOT EXISTS (SELECT 1 FROM ${USER_ACTIVITY_TABLE}) AS empty`;

/**
 * The fold of `folded` (tenant_id, user_id, year, days, first_day, last_day: the state's rows of the days [:f0, :f1]
 * as read from the activity source) into the state.
 *
 * The stored rows it meets are read once, with their location: every row of the scope whose last active day is in
 * :f0's month or later. That covers the rows that touch the folded days, which are cleared of those days. It also
 * covers nearly every row a night's folded user-years already have (98.7 % at scale 1), because the user was active
 * earlier in the month. Those rows are rewritten by their location, through a TID scan of the locations (~1 µs a
 * row). The other folded rows go through the unique key (ON CONFLICT). A stored row found that way has its last day
 * before :f0's month, so none of its bits is in the folded days and the new value is the union.
 *
 * Before, every changed row went through ON CONFLICT, whose index probe and lock per row took ~270 ms of the fold at
 * scale 1 (36,062 rows). A night's fold replayed in psql, alternated, went from 418–459 ms to 341–366 ms.
 *
 * A location is only good within the statement that read it, and the compute's lock keeps other writers out. On a
 * hash-partitioned state the TID scan runs once per partition with every location, and the update keeps each
 * partition's own by `tableoid`. A location that misses costs less than the index probe it replaces.
 */
function foldSql(folded: string): string {
  const locations = `SELECT stored_at FROM written WHERE stored_at IS NOT NULL`;
  return `WITH folded AS (${folded}),
    recent AS (
      SELECT tableoid AS stored_in, ctid AS stored_at, tenant_id, user_id, year, days, first_day, last_day
      FROM ${USER_ACTIVITY_TABLE} WHERE last_month >= ${BUCKET_DATE.monthly(':f0::date')} AND ${TENANT_FILTER}),
    merged AS (
      -- A full join needs hashable conditions: the tenant's nullness and its coalesce together are IS NOT DISTINCT FROM.
      SELECT coalesce(f.tenant_id, r.tenant_id) AS tenant_id, coalesce(f.user_id, r.user_id) AS user_id,
             coalesce(f.year, r.year) AS year, r.stored_in, r.stored_at, r.days AS stored,
             r.first_day AS stored_first, r.last_day AS stored_last, f.first_day AS folded_first, f.last_day AS folded_last,
             coalesce(r.days & ~${rangeMask('r.year', ':f0::date', ':f1::date')}, ${NO_DAYS}) | coalesce(f.days, ${NO_DAYS}) AS days
      FROM folded f FULL JOIN recent r ON (r.tenant_id IS NULL) = (f.tenant_id IS NULL)
        AND coalesce(r.tenant_id, '') = coalesce(f.tenant_id, '') AND r.user_id = f.user_id AND r.year = f.year
      WHERE f.user_id IS NOT NULL OR (r.last_day >= :f0::date AND r.first_day <= :f1::date)),
    written AS MATERIALIZED (
      SELECT tenant_id, user_id, year, stored_in, stored_at, days, ${FOLDED_FIRST_DAY} AS first_day,
             ${FOLDED_LAST_DAY} AS last_day, bit_count(days) = 0 AS no_days
      FROM merged
      -- A row folded again with the same bits is not written: the nightly folds again the day the previous night
      -- folded to date, and the users already active then are unchanged.
      WHERE days IS DISTINCT FROM stored),
    emptied AS (
      DELETE FROM ${USER_ACTIVITY_TABLE} AS u USING written w
      WHERE u.ctid = ANY (ARRAY(${locations} AND no_days)) AND u.ctid = w.stored_at AND u.tableoid = w.stored_in
        AND w.no_days),
    rewritten AS (
      UPDATE ${USER_ACTIVITY_TABLE} AS u SET days = w.days, first_day = w.first_day, last_day = w.last_day
      FROM written w
      WHERE u.ctid = ANY (ARRAY(${locations} AND NOT no_days)) AND u.ctid = w.stored_at AND u.tableoid = w.stored_in
        AND NOT w.no_days)
    INSERT INTO ${USER_ACTIVITY_TABLE} (tenant_id, user_id, year, days, first_day, last_day)
    SELECT tenant_id, user_id, year, days, first_day, last_day FROM written WHERE stored_at IS NULL
    ON CONFLICT (tenant_id, user_id, year) DO UPDATE SET
      days = ${USER_ACTIVITY_TABLE}.days | EXCLUDED.days,
      first_day = least(${USER_ACTIVITY_TABLE}.first_day, EXCLUDED.first_day),
      last_day = greatest(${USER_ACTIVITY_TABLE}.last_day, EXCLUDED.last_day)`;
}

/**
 * The scope's user-days of the local days [from, to] (date expressions) from the state: for each row that may hold
 * one, the bits between its first and last active day that lie in the range. Reads the users active in the range.
 */
export function stateUserDaysSql(from: string, to: string): string {
  const first = `greatest(${from}, first_day)`;
  const last = `least(${to}, last_day)`;
  return `SELECT tenant_id, user_id, make_date(year, 1, 1) + bit_number - 1 AS day
      FROM ${USER_ACTIVITY_TABLE}
      CROSS JOIN LATERAL generate_series(${DATE_FIELD('doy', first)}, ${DATE_FIELD('doy', last)}) AS bit_number
      WHERE ${rowsTouching(from, to)} AND get_bit(days, bit_number - 1) = 1`;
}

/**
 * Each state row's last active day among the local days [from, to] (date expressions), rows with none left out:
 * all that a rolling window ending on a day X ≥ `to` needs of those days. The window holds a user iff it holds
 * their latest active day up to X, and when that day lies in [from, to] it is this one (a window reaching back
 * before `from` is no reader's). So a lookback is read as one row per user instead of every active day of it;
 * across New Year a user's two yearly rows give two days of the lookback, which the windows count once.
 */
export function stateLastDaysSql(from: string, to: string): string {
  // A row active after `to` holds `to` in its year (its first day is not after `to`): its last bit in [from, to] is
  // read from the text of that range's bits alone (at most the range's length, where the year's bits up to `to` cost
  // ten times as much); none set gives null, which the filter drops like a last day before `from`.
  const rangeBits = `substring(days FROM first_bit FOR ${DATE_FIELD('doy', to)} - first_bit + 1)`;
  return `SELECT tenant_id, user_id, day FROM (
        SELECT tenant_id, user_id, CASE WHEN last_day <= ${to} THEN last_day
          ELSE ${LAST_DAY('year', rangeBits)} + first_bit - 1 END AS day
        FROM (SELECT *, ${firstBitFrom('year', from)} AS first_bit FROM ${USER_ACTIVITY_TABLE} WHERE ${rowsTouching(from, to)}) AS touching
      ) AS last_days
      WHERE day >= ${from}`;
}

/**
 * The user-days a chunk that builds its own days only (:w0 = :d0) needs when it takes WAU and MAU on its eve from the
 * stored day (stored-eve.sql.ts, `windows`): its own days (`ownDays`, a query of tenant_id, user_id, day from the
 * activity source), and of the 30 days before them each user's last active day, for the users whose windows change
 * on the chunk's days only: those active on them (the window reads their previous active day) and those whose last
 * active day before them closes a window on them (WAU's 7 or MAU's 30 days later, up to :w1). Every other lookback
 * user is in the window through the chunk's days, or left it before them: the stored eve counts them.
 *
 * One lookback day per user is enough: a window ending on a day X holds a user iff it holds their latest active day
 * up to X (stateLastDaysSql), and across New Year their later yearly row holds it. Own-day users and lookback rows
 * meet in one hash aggregate by user (GROUP BY puts a null tenant in one group), not a join: the planner has no
 * statistics for either side and sorted both for a merge join (~20 ms of a nightly at scale 0.1).
 */
export function windowChangesUserDaysSql(ownDays: string): string {
  const closing = (day: string, days: number) => `${day} BETWEEN :d0::date - ${days} AND :w1::date - ${days}`;
  const lastDay = 'max(day)';
  return `WITH own_days AS (${ownDays}),
        lookback AS (${stateLastDaysSql(`:d0::date - ${WINDOW_DAYS.mau_window}`, ':d0::date - 1')}),
        changing AS (
          SELECT tenant_id, user_id, ${lastDay} AS day FROM (
            SELECT tenant_id, user_id, day, false AS own FROM lookback
            UNION ALL
            SELECT tenant_id, user_id, NULL, true FROM own_days) AS marked
          GROUP BY tenant_id, user_id
          HAVING bool_or(own) OR ${closing(lastDay, WINDOW_DAYS.wau_window)} OR ${closing(lastDay, WINDOW_DAYS.mau_window)})
      SELECT tenant_id, user_id, day FROM changing WHERE day IS NOT NULL
      UNION ALL
      SELECT tenant_id, user_id, day FROM own_days`;
}

/**
 * Distinct active users per tenant over the local days [from, to] from the state, as bucket-fact rows (tenant_id,
 * bucket_date, fact, value): a user counts when a bit of the range is set in one of their years' rows. The cost is
 * the scope's users active around the range, whatever its length; never the events.
 */
export function stateActiveUsersSql(from: string, to: string, bucketDate: string): string {
  return `SELECT tenant_id, ${bucketDate} AS bucket_date, 'active_users' AS fact, count(DISTINCT user_id) AS value
      FROM ${USER_ACTIVITY_TABLE}
      WHERE ${rowsTouching(from, to)} AND ${touchingRowActiveIn('', from, to)}
      GROUP BY 1, 2`;
}

/** The days the state holds exactly, as of its last fold (day-coverage.sql.ts). */
export const coverageSql = dayCoverageSql(
  USER_ACTIVITY_COVERAGE_TABLE,
  USER_ACTIVITY_TABLE,
  STATE_SOURCES.activityState,
);

/** Whether the state holds the local days [from, to] exactly for a reader in timezone :tz reading activity from :source. */
export const stateHoldsSql = coverageSql.holds;
