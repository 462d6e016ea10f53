/**
 * The compute's statements as pure functions of their parameters (rendered in docs/sql/compute-*.sql), and the
 * types a run passes them; SnapshotWritesRepository runs them.
 */
import { isoWeekStart, monthStart } from '../common/calendar-dates.js';
import type { Statement } from '../database/statement.js';
import {
  activeUsersReadIn,
  bucketFactsCtes,
  type ActiveUsersFact,
  type KeyActionUsers,
} from '../sql/bucket-facts.sql.js';
import {
  CURVE_LAST_DAY,
  cohortInputs,
  cohortsUpsertSql,
  type CohortActivity,
  type CohortMembers,
  type CohortStateRows,
} from '../sql/cohorts.sql.js';
import { dailyWorkSql, type DailyWorkReads } from '../sql/daily-work.sql.js';
import { BUCKET_DATE, rollupSql, type RollupBucket } from '../sql/rollup.sql.js';
import { snapshotUpsertSql } from '../sql/snapshot-upsert.sql.js';
import { STATE_SOURCES, markOf } from '../sql/dirty-marks.sql.js';
import {
  DAY_START,
  WORK_START,
  activeDayNeighboursSql,
  activeDaysOfRunSql,
  firstKeyActionsSql,
  inWindowOrder,
  userDayCountsSql,
  userDaysInWindowOrderSql,
  userDaysSql,
  withNeighbourDaysSql,
} from '../sql/source-facts.js';
import { foldLifecycleSql, lifecycleCoverageSql } from '../sql/user-lifecycle.sql.js';
import {
  coverageSql,
  fillEmptyStateSql,
  foldedUserYearsSql,
  foldUserYearsSql,
  STATE_EMPTY_SQL,
  stateHoldsSql,
  stateLastDaysSql,
  windowChangesUserDaysSql,
  stateUserDaysSql,
  userYearsOfActiveDaysSql,
} from '../sql/user-activity.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';
import type { LedgerRows } from '../sql/billing-facts.js';
import type { DayCoverage } from '../sql/day-coverage.sql.js';

export type Params = Record<string, unknown>;

/** Where a chunk's daily work finds its first key actions (source-facts.ts). */
export type { FirstKeyActions } from '../sql/source-facts.js';

/** Where a chunk's user-days are read from (materialiseUserDays). */
export type UserDaysFrom = 'activity' | 'state' | 'window changes' | 'run from activity';
export type StoredBucket = Exclude<RollupBucket, 'range'>;

/** The days the per-user activity state holds exactly, in a timezone and from one activity relation. */
export type ActivityCoverage = DayCoverage;

/** The `lifecycle_at` of a fold that rebuilds the per-user lifecycle state from the whole history. */
export const REBUILD_FROM = '-infinity';

/** The work range: the requested days widened to the whole weeks and months they touch, up to today. */
const WORK_RANGE_SQL = `SELECT
    least(date_trunc('week', :d0::date)::date, date_trunc('month', :d0::date)::date)::text AS w0,
    greatest(:d1::date, least(
      greatest(date_trunc('week', :d1::date)::date + 6, (date_trunc('month', :d1::date) + interval '1 month')::date - 1),
      (:as_of::timestamptz AT TIME ZONE :tz)::date))::text AS w1`;

/**
 * The last day that counts in a bucket's averages: the last day asked for, or yesterday when the work range runs
 * on into today (today is to date: its DAU so far is not a day's DAU, metrics.md).
 */
const AVERAGES_THROUGH = `greatest(:d1::date, (:as_of::timestamptz AT TIME ZONE :tz)::date - 1)`;

/**
 * The table the chunk's user-days are built into once, each with its user's previous and next active day
 * (withNeighbourDaysSql): folded into the per-user activity state, and counted per tenant and day into
 * USER_DAY_COUNTS_TABLE, which the daily work and every bucket's distinct counts read.
 */
export const USER_DAYS_TABLE = 'metrics_user_days';
export const USER_DAY_COUNTS_TABLE = 'metrics_user_day_counts';

/**
 * A whole run's user-days, built once per user instead (activeDaysOfRunSql): the user-days with their neighbours read
 * from it for the counts (activeDayNeighboursSql), and the state's rows taken from it year by year.
 */
export const RUN_ACTIVE_DAYS_TABLE = 'metrics_run_active_days';

/** A whole run's user-days as the state's rows (userYearsOfActiveDaysSql), when the fold meets a stored state. */
export const USER_YEARS_TABLE = 'metrics_user_years';

/** A chunk's user-days of the days it folds, as the state's rows (foldedUserYearsSql), which the fold reads. */
export const FOLDED_USER_YEARS_TABLE = 'metrics_folded_user_years';

/** The table a chunk's or a run's user-days were built into, which the fold and the counts read. */
export type UserDaysTable = typeof USER_DAYS_TABLE | typeof RUN_ACTIVE_DAYS_TABLE;

/** The chunk's daily work: one row per scope and day of its work range (dailyWorkSql), which every bucket rolls up. */
export const DAILY_WORK_TABLE = 'metrics_work';

/** A run's table of each user's first key action (firstKeyActionsSql), which every chunk's daily work reads. */
export const FIRST_KEY_ACTIONS_TABLE = 'metrics_first_key_actions';

/** The statistics target the user-days and folded user-years tables are analysed with: 300 rows sampled per unit. */
export const USER_DAYS_STATISTICS_TARGET = 10;

/** The compute's statements, as pure functions (rendered in docs/sql/compute-*.sql). */
export const computeStatements = {
  /** Computations take turns across instances: overlapping upserts in parallel could deadlock. */
  lock: (env: string): Statement => ({
    sql: `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:compute:' || :env::text))`,
    params: { env },
  }),

  workRange: (params: Params): Statement => ({ sql: WORK_RANGE_SQL, params }),

  /**
   * Of the named tables, those whose planner statistics are missing or out of date: never analysed, partitioned (its
   * size is its partitions'), or grown or shrunk by more than a tenth (and eight pages) since ANALYZE or VACUUM last
   * counted its pages, autovacuum's own threshold for analysing again. The file's size is compared, not the cumulative
   * statistics' count of changed rows: PGlite never flushes those, and PostgreSQL flushes them up to a second late.
   */
  staleStatistics: (tables: readonly string[]): Statement => ({
    sql: `SELECT c.relname::text AS name FROM pg_class c
      WHERE c.oid IN (SELECT to_regclass(name) FROM unnest(:tables::text[]) AS name)
        AND (c.reltuples < 0 OR c.relkind = 'p'
          OR pg_relation_size(c.oid) / current_setting('block_size')::int
             NOT BETWEEN c.relpages * 0.9 AND c.relpages * 1.1 + 8)`,
    params: { tables },
  }),

  userDays: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS ${withNeighbourDaysSql(userDaysInWindowOrderSql(relations))}`,
    params,
  }),

  /**
   * The user-days of a whole run of several chunks at once (ActivityStateRun.foldRun), every day from the activity
   * source, one row per tenant and user (activeDaysOfRunSql).
   */
  activeDaysOfRun: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${RUN_ACTIVE_DAYS_TABLE} ON COMMIT DROP AS ${activeDaysOfRunSql(relations)}`,
    params,
  }),

  /** A whole run's user-days as the state's rows, into USER_YEARS_TABLE (userYearsOfActiveDaysSql). */
  userYearsOfRun: (): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_YEARS_TABLE} ON COMMIT DROP AS ${userYearsOfActiveDaysSql(RUN_ACTIVE_DAYS_TABLE)}`,
    params: {},
  }),

  /**
   * The same user-days where the per-user activity state holds the days before :d0 exactly (its coverage says so):
   * only the days from :d0 read from the activity source, the work range's days before :d0 from the state's bits,
   * and of the 29-day lookback before the work range only each user's last active day. Only the rolling windows read
   * the lookback (every other reader starts at :w0 or :d0), and a window ending in the work range holds a lookback
   * user iff it holds their last lookback day (stateLastDaysSql), so WAU and MAU are those of every lookback day.
   */
  userDaysFromState: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS ${withNeighbourDaysSql(`
      ${inWindowOrder(`
      ${stateLastDaysSql(':w0::date - 29', ':w0::date - 1')}
      UNION ALL
      ${stateUserDaysSql(':w0::date', ':d0::date - 1')}`)}
      UNION ALL
      ${userDaysInWindowOrderSql(relations, DAY_START(':d0::date'))}`)}`,
    params,
  }),

  /**
   * The user-days of a chunk that builds its own days only (:w0 = :d0) and takes WAU and MAU on its eve from the stored
   * day: its own days from the activity source, and the lookback of the users whose windows change on them only
   * (windowChangesUserDaysSql).
   */
  userDaysForWindowChanges: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS
      ${withNeighbourDaysSql(inWindowOrder(windowChangesUserDaysSql(userDaysSql(relations, DAY_START(':d0::date')))))}`,
    params,
  }),

  /** Each user's first key action up to the run's last work day, for a run of several chunks (firstKeyActionsSql). */
  firstKeyActionsOfRun: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${FIRST_KEY_ACTIONS_TABLE} ON COMMIT DROP AS ${firstKeyActionsSql(relations)}`,
    params,
  }),

  /** The chunk's or run's user-days counted per tenant and day (userDayCountsSql), in one pass. */
  userDayCounts: (built: UserDaysTable): Statement => {
    const userDays = built === RUN_ACTIVE_DAYS_TABLE ? `(${activeDayNeighboursSql(built)}) AS user_days` : built;
    return {
      sql: `CREATE TEMP TABLE ${USER_DAY_COUNTS_TABLE} ON COMMIT DROP AS ${userDayCountsSql(userDays)}`,
      params: {},
    };
  },

  /** A chunk's user-days of the local days [:f0, :f1] as the state's rows, into FOLDED_USER_YEARS_TABLE. */
  foldedUserYears: (params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${FOLDED_USER_YEARS_TABLE} ON COMMIT DROP AS ${foldedUserYearsSql(USER_DAYS_TABLE)}`,
    params,
  }),

  /** The user-years of the local days [:f0, :f1] in `userYears` folded into the per-user activity state (clear, then set). */
  foldUserYears: (userYears: typeof USER_YEARS_TABLE | typeof FOLDED_USER_YEARS_TABLE, params: Params): Statement => ({
    sql: foldUserYearsSql(userYears),
    params,
  }),

  /** A whole run's user-years written into the empty per-user activity state as they are (fillEmptyStateSql). */
  fillEmptyActivityState: (): Statement => ({
    sql: fillEmptyStateSql(`(${userYearsOfActiveDaysSql(RUN_ACTIVE_DAYS_TABLE)}) AS user_years`),
    params: {},
  }),

  activityStateEmpty: (): Statement => ({ sql: STATE_EMPTY_SQL, params: {} }),

  activityCoverage: (): Statement => ({ sql: coverageSql.read, params: {} }),

  /** A day of [:from, :to] marked for late activity (the per-user activity state may not hold it yet). */
  dirtyDayBetween: (params: Params): Statement => ({
    sql: `SELECT day FROM metrics_dirty_day
      WHERE day BETWEEN :from::date AND :to::date AND ${markOf(STATE_SOURCES.activityState)} LIMIT 1`,
    params,
  }),

  /** The days [:f0, :f1], folded for every tenant, join the state's coverage. */
  extendActivityCoverage: (params: Params): Statement => ({ sql: coverageSql.extend, params }),

  /**
   * The instant the per-user lifecycle state may be read as of by a chunk (no row: read the whole history): folded
   * from the lifecycle relation :source, to no later than the work range's start, no mark of a late transition
   * before that instant (lifecycleCoverageSql.usable).
   */
  lifecycleStateUsable: (params: Params): Statement => ({ sql: lifecycleCoverageSql.usable(WORK_START), params }),

  /** The instant the cohorts may read their members from the lifecycle state as of (any: signups after it are read). */
  cohortMembersFromState: (params: Params): Statement => ({
    sql: lifecycleCoverageSql.usable("'infinity'::timestamptz"),
    params,
  }),

  /** Where a chunk folds the lifecycle state to (FOLD_TO: its week's or month's start), if after :lifecycle_at. */
  lifecycleFoldTarget: (params: Params): Statement => ({ sql: lifecycleCoverageSql.target, params }),

  /** The lifecycle transitions of [:lifecycle_at, :fold_to) folded into the per-user lifecycle state. */
  foldLifecycle: (relations: SourceRelations, params: Params): Statement => ({
    sql: foldLifecycleSql(relations),
    params,
  }),

  /** The lifecycle state is folded to :fold_to from :source. */
  setLifecycleCoverage: (params: Params): Statement => ({ sql: lifecycleCoverageSql.set, params }),

  /**
   * Every scope's daily values of the chunk's work range, into a temporary work table, reading what `reads` says
   * besides the work range's raw rows (daily-work.sql.ts, DailyWorkReads).
   */
  dailyWork: (
    relations: SourceRelations,
    enabled: ReadonlySet<string>,
    params: Params,
    reads: DailyWorkReads = {},
  ): Statement => ({
    sql: `CREATE TEMP TABLE ${DAILY_WORK_TABLE} ON COMMIT DROP AS ${dailyWorkSql(relations, enabled, reads)}`,
    params,
  }),

  /**
   * One bucket type rolled up from the work table and upserted. Only buckets that lie wholly inside the work range
   * are written (the work range covers every bucket touching [d0, d1]); daily rows only for [d0, d1] themselves.
   */
  bucketUpsert: (
    relations: SourceRelations,
    enabled: ReadonlySet<string>,
    bucket: StoredBucket,
    userDayCounts: string | undefined,
    params: Params,
    keyActions: KeyActionUsers = 'events',
    ledger: Extract<LedgerRows, 'moving' | 'stored'> = 'moving',
  ): Statement => {
    const bucketOf = BUCKET_DATE[bucket];
    let activeUsers: ActiveUsersFact = 'none';
    if (bucket !== 'daily' && activeUsersReadIn(bucket)) activeUsers = { workFirsts: bucket };
    const dayFilter = bucket === 'daily' ? 'day BETWEEN :d0::date AND :d1::date' : 'true';
    const rows = rollupSql(
      `SELECT * FROM ${DAILY_WORK_TABLE} WHERE ${dayFilter}`,
      // No metric reads a day's distinct active users from the bucket facts (DAU is the work table's count); a week's
      // and a month's are summed from the work table's days (BUCKET_FIRST_USERS). NRR's
      // movements from the customers moving in the work range only (the stocks come from the work table), so a
      // one-day run does not sort the whole ledger for them; or, when they hold, from the stored movements, which a
      // run has just brought up to date (each of a scale-1 backfill's nine upserts derived them from the moving
      // customers' ledger again, ~170 ms a year's bucket).
      bucketFactsCtes(relations, enabled, bucketOf, {
        userDayCounts,
        activeUsers,
        ledger,
        // The key-action days held: a bucket's users per key action summed from their tenant counts' days.
        keyActions: keyActions === 'state' ? { tenantDays: bucket } : keyActions,
      }),
      bucket,
      enabled,
      AVERAGES_THROUGH,
    );
    const where = `bucket_date BETWEEN ${bucketOf(':d0::date')} AND ${bucketOf(':d1::date')}`;
    // The bucket facts from the first written bucket's first day: the work range starts earlier for the other bucket
    // types' sake (a run for a month's last day reads its month; for the 1st, the ISO week from the Monday before),
    // and facts of an earlier bucket would be read for rows this statement does not write.
    const d0 = String(params.d0);
    const firstBucketStart = { daily: d0, weekly: isoWeekStart(d0), monthly: monthStart(d0) }[bucket];
    return {
      sql: snapshotUpsertSql(rows, where),
      params: { ...params, w0: firstBucketStart, bucket_type: bucket },
    };
  },

  /**
   * Whether the per-user activity state holds every day a shown cell of the cohorts [:c0, :c1] reads: from the first
   * cohort day to the last curve day of the last cohort, but no later than yesterday (a week is shown only once it
   * has ended for the cohort's last signer, so no shown cell reads today or later). :source names the activity
   * relation the state must have been folded from.
   */
  cohortStateHolds: (params: Params): Statement => ({
    sql: stateHoldsSql(
      ':c0::date',
      `least((:c1::date + interval '1 month')::date - 1 + ${CURVE_LAST_DAY}, (:as_of::timestamptz AT TIME ZONE :tz)::date - 1)`,
    ),
    params,
  }),

  /**
   * The cohorts of [:c0, :c1] whose stored rows could differ from a recompute (every one with :force), given the
   * days the run has just computed [:changed_from, :changed_to] (null: none). Each row records its :as_of and inputs.
   */
  cohortsUpsert: (
    relations: SourceRelations,
    params: Params,
    activeWeeks: CohortActivity = 'activity',
    members: CohortMembers = 'lifecycle',
    stateRows: CohortStateRows = 'hash',
  ): Statement => ({
    sql: cohortsUpsertSql(relations, activeWeeks, members, stateRows),
    params: { ...params, inputs: cohortInputs(relations, String(params.tz)) },
  }),
};
