import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { COMPUTE_WORK_MEM, NO_JIT } from '../database/session-settings.js';
import { isoWeekStart, monthStart } from '../common/calendar-dates.js';
import { run, type Statement } from '../database/statement.js';
import { activeUsersReadIn, bucketFactsCtes, type ActiveUsersFact } from '../sql/bucket-facts.sql.js';
import {
  CURVE_LAST_DAY,
  cohortInputs,
  cohortsUpsertSql,
  type CohortActivity,
  type CohortMembers,
} from '../sql/cohorts.sql.js';
import { dailyWorkSql, type DailyWorkReads } from '../sql/daily-work.sql.js';
import { BUCKET_DATE, rollupSql, type RollupBucket } from '../sql/rollup.sql.js';
import { snapshotUpsertSql } from '../sql/snapshot-upsert.sql.js';
import { DAY_START, WORK_START, userDaysSql } from '../sql/source-facts.js';
import { foldLifecycleSql, lifecycleCoverageSql } from '../sql/user-lifecycle.sql.js';
import {
  coverageSql,
  foldUserDaysSql,
  stateHoldsSql,
  stateLastDaysSql,
  windowChangesUserDaysSql,
  stateUserDaysSql,
} from '../sql/user-activity.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';

export { COHORT_CURVE_WEEKS } from '../sql/cohorts.sql.js';
export type { LifecycleRows } from '../sql/source-facts.js';

export type Params = Record<string, unknown>;

/**
 * Where a week's and a month's distinct active users are counted: the chunk's user-days, or (when its days before
 * :d0 come from the stored daily work, so the user-days hold only its own days) the per-user activity state.
 */
export type WeekAndMonthUsers = 'user-days' | 'state';

/** Where a chunk's user-days are read from (materialiseUserDays). */
export type UserDaysFrom = 'activity' | 'state' | 'window changes';
export type StoredBucket = Exclude<RollupBucket, 'range'>;

/** The days the per-user activity state holds exactly, in a timezone and from one activity relation. */
export interface ActivityCoverage {
  timezone: string;
  source: string;
  first: string;
  last: string;
}

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

/** The table the chunk's user-days are built into once (the daily work and every bucket's distinct counts read it). */
export const USER_DAYS_TABLE = 'metrics_user_days';

/** The statistics target the user-days table is analysed with (analyzeUserDays): 300 rows sampled per unit. */
const USER_DAYS_STATISTICS_TARGET = 10;

/** The compute's statements, as pure functions (rendered in docs/sql/compute-*.sql). */
export const computeStatements = {
  /** Computations take turns across instances: overlapping upserts in parallel could deadlock. */
  lock: (env: string): Statement => ({
    sql: `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:compute:' || :env::text))`,
    params: { env },
  }),

  workRange: (params: Params): Statement => ({ sql: WORK_RANGE_SQL, params }),

  userDays: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS ${userDaysSql(relations)}`,
    params,
  }),

  /**
   * The same user-days where the per-user activity state holds the days before :d0 exactly (its coverage says so):
   * only the days from :d0 read from the activity source, the work range's days before :d0 from the state's bits,
   * and of the 29-day lookback before the work range only each user's last active day. Only the rolling windows read
   * the lookback (every other reader starts at :w0 or :d0), and a window ending in the work range holds a lookback
   * user iff it holds their last lookback day (stateLastDaysSql), so WAU and MAU are those of every lookback day.
   */
  userDaysFromState: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS
      ${stateLastDaysSql(':w0::date - 29', ':w0::date - 1')}
      UNION ALL
      ${stateUserDaysSql(':w0::date', ':d0::date - 1')}
      UNION ALL
      ${userDaysSql(relations, DAY_START(':d0::date'))}`,
    params,
  }),

  /**
   * The user-days of a chunk that builds its own days only (:w0 = :d0) and takes WAU and MAU on its eve from the stored
   * day: its own days from the activity source, and the lookback of the users whose windows change on them only
   * (windowChangesUserDaysSql).
   */
  userDaysForWindowChanges: (relations: SourceRelations, params: Params): Statement => ({
    sql: `CREATE TEMP TABLE ${USER_DAYS_TABLE} ON COMMIT DROP AS
      ${windowChangesUserDaysSql(userDaysSql(relations, DAY_START(':d0::date')))}`,
    params,
  }),

  /** The chunk's user-days of the local days [:f0, :f1] folded into the per-user activity state (clear, then set). */
  foldUserDays: (params: Params): Statement => ({ sql: foldUserDaysSql(USER_DAYS_TABLE), params }),

  activityCoverage: (): Statement => ({ sql: coverageSql.read, params: {} }),

  dirtyDayBetween: (params: Params): Statement => ({
    sql: `SELECT day FROM metrics_dirty_day WHERE day BETWEEN :from::date AND :to::date LIMIT 1`,
    params,
  }),

  /** The days [:f0, :f1], folded for every tenant, join the state's coverage. */
  extendActivityCoverage: (params: Params): Statement => ({ sql: coverageSql.extend, params }),

  /**
   * The instant the per-user lifecycle state may be read as of by a chunk (no row: read the whole history): folded
   * from the lifecycle relation :source, to no later than the work range's start, no day waiting to be recomputed.
   */
  lifecycleStateUsable: (params: Params): Statement => ({ sql: lifecycleCoverageSql.usable(WORK_START), params }),

  /** The instant the cohorts may read their members from the lifecycle state as of (any: signups after it are read). */
  cohortMembersFromState: (params: Params): Statement => ({
    sql: lifecycleCoverageSql.usable("'infinity'::timestamptz"),
    params,
  }),

  /** Where a chunk folds the lifecycle state to (the month before its work range's), if after :lifecycle_at. */
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
    sql: `CREATE TEMP TABLE metrics_work ON COMMIT DROP AS ${dailyWorkSql(relations, enabled, reads)}`,
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
    userDays: string | undefined,
    params: Params,
    activeUsersFrom: WeekAndMonthUsers = 'user-days',
  ): Statement => {
    const bucketOf = BUCKET_DATE[bucket];
    let activeUsers: ActiveUsersFact = 'none';
    if (activeUsersReadIn(bucket)) {
      activeUsers = activeUsersFrom === 'state' && bucket !== 'daily' ? { stateBuckets: bucket } : 'user-days';
    }
    const dayFilter = bucket === 'daily' ? 'day BETWEEN :d0::date AND :d1::date' : 'true';
    const rows = rollupSql(
      `SELECT * FROM metrics_work WHERE ${dayFilter}`,
      // No metric reads a day's distinct active users from the bucket facts (DAU is the work table's count). NRR's
      // movements from the customers moving in the work range only (the stocks come from the work table), so a
      // one-day run does not sort the whole ledger for them.
      bucketFactsCtes(relations, enabled, bucketOf, userDays, activeUsers, 'moving'),
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
  ): Statement => ({
    sql: cohortsUpsertSql(relations, activeWeeks, members),
    params: { ...params, inputs: cohortInputs(relations, String(params.tz)) },
  }),
};

/**
 * The compute's writes to `system_metrics_snapshot` and `system_cohort_retention`, each statement run in the
 * caller's transaction (the whole range commits or nothing does).
 */
@Injectable()
export class SnapshotWritesRepository {
  private exec(manager: EntityManager, statement: Statement): Promise<Record<string, string>[]> {
    return run<Record<string, string>>((text, values) => manager.query(text, values), statement);
  }

  async begin(manager: EntityManager, env: string): Promise<void> {
    await manager.query(NO_JIT);
    await manager.query(COMPUTE_WORK_MEM);
    await this.exec(manager, computeStatements.lock(env));
  }

  /** Session settings for a statement that needs no lock (cohorts alone). */
  async settings(manager: EntityManager): Promise<void> {
    await manager.query(NO_JIT);
    await manager.query(COMPUTE_WORK_MEM);
  }

  /** Fresh planner statistics for the given tables (names from our own table list, never user input). */
  async analyze(manager: EntityManager, tables: readonly string[]): Promise<void> {
    await manager.query(`ANALYZE ${tables.join(', ')}`);
  }

  async workRange(manager: EntityManager, params: Params): Promise<{ w0: string; w1: string }> {
    const [range] = await this.exec(manager, computeStatements.workRange(params));
    return { w0: range.w0, w1: range.w1 };
  }

  /**
   * Builds the chunk's user-days table and answers its name, read as `from` says: every day from the activity
   * source (userDays), the days before :d0 from the per-user activity state (userDaysFromState), or the lookback of
   * the users whose windows change only (userDaysForWindowChanges).
   */
  async materialiseUserDays(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params,
    from: UserDaysFrom = 'activity',
  ): Promise<string> {
    const statement = {
      activity: computeStatements.userDays,
      state: computeStatements.userDaysFromState,
      'window changes': computeStatements.userDaysForWindowChanges,
    }[from];
    await manager.query(`DROP TABLE IF EXISTS ${USER_DAYS_TABLE}`);
    await this.exec(manager, statement(relations, params));
    await this.analyzeUserDays(manager);
    return USER_DAYS_TABLE;
  }

  /**
   * A temporary table has no statistics until analysed, and the planner needs the user-days' size and spread to
   * choose hash joins. A sample of 3,000 rows (statistics target 10) tells it those; the default target's 30,000
   * took ~40 ms of a one-day run, as long as its daily work's rolling windows.
   */
  private async analyzeUserDays(manager: EntityManager): Promise<void> {
    await manager.query(`SET LOCAL default_statistics_target = ${USER_DAYS_STATISTICS_TARGET}`);
    await manager.query(`ANALYZE ${USER_DAYS_TABLE}`);
    await manager.query('RESET default_statistics_target');
  }

  /** Folds the user-days table's days [:f0, :f1] into the per-user activity state. */
  async foldUserDays(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, computeStatements.foldUserDays(params));
  }

  async activityCoverage(manager: EntityManager): Promise<ActivityCoverage | undefined> {
    const [row] = await this.exec(manager, computeStatements.activityCoverage());
    return row ? { timezone: row.timezone, source: row.source, first: row.first_day, last: row.last_day } : undefined;
  }

  async extendActivityCoverage(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, computeStatements.extendActivityCoverage(params));
  }

  /** Whether a day of [from, to] waits for recomputation (the state may not hold its late events yet). */
  async anyDirtyDay(manager: EntityManager, from: string, to: string): Promise<boolean> {
    const rows = await this.exec(manager, computeStatements.dirtyDayBetween({ from, to }));
    return rows.length > 0;
  }

  /** Empties the state and its coverage (the timezone or the activity relation changed: local days moved). */
  async resetActivityState(manager: EntityManager): Promise<void> {
    await manager.query(coverageSql.reset);
  }

  /** The state is no longer known to be exact (activity not connected for a run); its rows are refolded later. */
  async forgetActivityCoverage(manager: EntityManager): Promise<void> {
    await manager.query(coverageSql.forget);
  }

  async buildDailyWork(
    manager: EntityManager,
    relations: SourceRelations,
    enabled: ReadonlySet<string>,
    params: Params,
    reads: DailyWorkReads = {},
  ): Promise<void> {
    await manager.query('DROP TABLE IF EXISTS metrics_work');
    await this.exec(manager, computeStatements.dailyWork(relations, enabled, params, reads));
  }

  /** The instant the lifecycle state may be read as of by the chunk of `params`, if any (lifecycleStateUsable). */
  async lifecycleStateAt(manager: EntityManager, params: Params): Promise<string | undefined> {
    const [row] = await this.exec(manager, computeStatements.lifecycleStateUsable(params));
    return row?.folded_to;
  }

  /**
   * Folds the lifecycle state from :lifecycle_at (an instant, or REBUILD_FROM: emptied first and folded from the
   * whole history) to the month before the chunk's work range, when that lies later; answers whether it moved.
   */
  async foldLifecycleState(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params & { lifecycle_at: string },
  ): Promise<boolean> {
    const [target] = await this.exec(manager, computeStatements.lifecycleFoldTarget(params));
    if (!target) return false;
    if (params.lifecycle_at === REBUILD_FROM) await manager.query(lifecycleCoverageSql.empty);
    const folding = { ...params, fold_to: target.fold_to };
    await this.exec(manager, computeStatements.foldLifecycle(relations, folding));
    await this.exec(manager, computeStatements.setLifecycleCoverage(folding));
    return true;
  }

  /** The lifecycle state is no longer known to be exact (lifecycle not connected for a run); rebuilt later. */
  async forgetLifecycleCoverage(manager: EntityManager): Promise<void> {
    await manager.query(lifecycleCoverageSql.forget);
  }

  async upsertBucket(
    manager: EntityManager,
    relations: SourceRelations,
    enabled: ReadonlySet<string>,
    bucket: StoredBucket,
    userDays: string | undefined,
    params: Params,
    activeUsersFrom: WeekAndMonthUsers = 'user-days',
  ): Promise<void> {
    await this.exec(
      manager,
      computeStatements.bucketUpsert(relations, enabled, bucket, userDays, params, activeUsersFrom),
    );
  }

  /**
   * The cohorts of [:c0, :c1] upserted (those a recompute could change, see cohortsUpsertSql), their members' active weeks read from the per-user activity state when it
   * holds every day they depend on (same timezone and activity relation, covered, no day waiting to be recomputed),
   * otherwise from the activity source.
   */
  async upsertCohorts(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params,
  ): Promise<{ activeWeeks: CohortActivity; members: CohortMembers }> {
    const [holds] = await this.exec(
      manager,
      computeStatements.cohortStateHolds({ ...params, source: relations.from('activity') }),
    );
    const activeWeeks: CohortActivity = holds.holds ? 'state' : 'activity';
    const [folded] = await this.exec(
      manager,
      computeStatements.cohortMembersFromState({ ...params, source: relations.from('lifecycle') }),
    );
    const members: CohortMembers = folded ? 'state' : 'lifecycle';
    await this.exec(
      manager,
      computeStatements.cohortsUpsert(
        relations,
        { ...params, lifecycle_at: folded?.folded_to ?? null },
        activeWeeks,
        members,
      ),
    );
    return { activeWeeks, members };
  }
}
