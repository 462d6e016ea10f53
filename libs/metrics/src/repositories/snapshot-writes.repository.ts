import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { COMPUTE_WORK_MEM, NO_JIT, withoutSorts, withoutSortsOrNestedLoops } from '../database/session-settings.js';
import { run, type Statement } from '../database/statement.js';
import { withIndexesBuiltAfter } from '../database/indexes-built-after.js';
import type { KeyActionUsers } from '../sql/bucket-facts.sql.js';
import type { LedgerRows } from '../sql/billing-facts.js';
import type { CohortActivity, CohortMembers } from '../sql/cohorts.sql.js';
import type { DailyWorkReads } from '../sql/daily-work.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';
import { lifecycleCoverageSql } from '../sql/user-lifecycle.sql.js';
import { USER_ACTIVITY_TABLE, coverageSql } from '../sql/user-activity.sql.js';
import { dayCoverageOf } from '../sql/day-coverage.sql.js';
import { ACTIVATION_REFRESH_TABLE, activationRefreshSql } from '../sql/activation-refresh.sql.js';
import {
  DAILY_WORK_TABLE,
  FIRST_KEY_ACTIONS_TABLE,
  REBUILD_FROM,
  USER_DAYS_STATISTICS_TARGET,
  USER_DAY_COUNTS_TABLE,
  USER_DAYS_TABLE,
  RUN_ACTIVE_DAYS_TABLE,
  USER_YEARS_TABLE,
  FOLDED_USER_YEARS_TABLE,
  computeStatements,
  type ActivityCoverage,
  type Params,
  type StoredBucket,
  type UserDaysFrom,
  type UserDaysTable,
} from './compute-statements.js';

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

  /**
   * Fresh planner statistics for those of the given tables whose statistics are missing or out of date (names from
   * our own table list, never user input).
   */
  async analyzeStale(manager: EntityManager, tables: readonly string[]): Promise<void> {
    const stale = (await this.exec(manager, computeStatements.staleStatistics(tables))).map((row) => String(row.name));
    if (stale.length > 0) await manager.query(`ANALYZE ${stale.join(', ')}`);
  }

  async workRange(manager: EntityManager, params: Params): Promise<{ w0: string; w1: string }> {
    const [range] = await this.exec(manager, computeStatements.workRange(params));
    return { w0: range.w0, w1: range.w1 };
  }

  /**
   * Builds the chunk's user-days table and answers its name, read as `from` says: every day from the activity
   * source (userDays), the days before :d0 from the per-user activity state (userDaysFromState), the lookback of
   * the users whose windows change only (userDaysForWindowChanges), or a whole run's from the source, one row per
   * user (activeDaysOfRun).
   */
  async materialiseUserDays(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params,
    from: UserDaysFrom = 'activity',
  ): Promise<UserDaysTable> {
    const table = from === 'run from activity' ? RUN_ACTIVE_DAYS_TABLE : USER_DAYS_TABLE;
    const statement = {
      activity: computeStatements.userDays,
      state: computeStatements.userDaysFromState,
      'window changes': computeStatements.userDaysForWindowChanges,
      'run from activity': computeStatements.activeDaysOfRun,
    }[from];
    await manager.query(`DROP TABLE IF EXISTS ${table}`);
    await this.exec(manager, statement(relations, params));
    await this.analyzeWithSample(manager, table);
    return table;
  }

  /**
   * A temporary table has no statistics until analysed, and the planner needs the user-days' size and spread to
   * choose hash joins. A sample of 3,000 rows (statistics target 10) tells it those; the default target's 30,000
   * took ~40 ms of a one-day run, as long as its daily work's rolling windows.
   */
  private async analyzeWithSample(
    manager: EntityManager,
    table: UserDaysTable | typeof USER_YEARS_TABLE | typeof FOLDED_USER_YEARS_TABLE | typeof DAILY_WORK_TABLE,
  ): Promise<void> {
    await manager.query(`SET LOCAL default_statistics_target = ${USER_DAYS_STATISTICS_TARGET}`);
    await manager.query(`ANALYZE ${table}`);
    await manager.query('RESET default_statistics_target');
  }

  /** Builds the run's table of each user's first key action (firstKeyActionsSql) and answers its name. */
  async buildFirstKeyActions(manager: EntityManager, relations: SourceRelations, params: Params): Promise<string> {
    await manager.query(`DROP TABLE IF EXISTS ${FIRST_KEY_ACTIONS_TABLE}`);
    await this.exec(manager, computeStatements.firstKeyActionsOfRun(relations, params));
    return FIRST_KEY_ACTIONS_TABLE;
  }

  /** Counts the user-days per tenant and day (userDayCountsSql) and answers the counts' table. */
  async countUserDays(manager: EntityManager, built: UserDaysTable): Promise<string> {
    await manager.query(`DROP TABLE IF EXISTS ${USER_DAY_COUNTS_TABLE}`);
    await this.exec(manager, computeStatements.userDayCounts(built));
    return USER_DAY_COUNTS_TABLE;
  }

  /**
   * Folds the user-days of [:f0, :f1] into the per-user activity state: a whole run's taken year by year from each
   * user's days, a chunk's grouped into the state's rows; either into a table of their own, analysed (foldUserYearsSql
   * says why).
   *
   * Into an empty state that no reader counts from (`unread`: no coverage was stored when the run began, so a reader
   * reads no row of it) a whole run's user-years are written as they are, before the state's indexes are built
   * (database/indexes-built-after.ts). A fresh scale-1 backfill's 353,115 rows took ~1.4 s so (the write ~0.55 s, the
   * three indexes ~0.8 s), where the fold took 4.3–4.9 s with the indexes kept up to date row by row (psql, in the
   * backfill's transaction; docs/performance-history.md, "eighteenth session").
   */
  async foldUserDays(manager: EntityManager, built: UserDaysTable, params: Params, unread = false): Promise<void> {
    if (built === RUN_ACTIVE_DAYS_TABLE) {
      if (unread && (await this.activityStateEmpty(manager))) {
        await withIndexesBuiltAfter(
          (sql, values) => manager.query(sql, values),
          USER_ACTIVITY_TABLE,
          () => this.exec(manager, computeStatements.fillEmptyActivityState()),
        );
        return;
      }
      await manager.query(`DROP TABLE IF EXISTS ${USER_YEARS_TABLE}`);
      await this.exec(manager, computeStatements.userYearsOfRun());
      await this.analyzeWithSample(manager, USER_YEARS_TABLE);
      await this.exec(manager, computeStatements.foldUserYears(USER_YEARS_TABLE, params));
      return;
    }
    await manager.query(`DROP TABLE IF EXISTS ${FOLDED_USER_YEARS_TABLE}`);
    await this.exec(manager, computeStatements.foldedUserYears(params));
    await this.analyzeWithSample(manager, FOLDED_USER_YEARS_TABLE);
    await this.exec(manager, computeStatements.foldUserYears(FOLDED_USER_YEARS_TABLE, params));
  }

  private async activityStateEmpty(manager: EntityManager): Promise<boolean> {
    const [{ empty }] = await this.exec(manager, computeStatements.activityStateEmpty());
    return Boolean(empty);
  }

  async activityCoverage(manager: EntityManager): Promise<ActivityCoverage | undefined> {
    const [row] = await this.exec(manager, computeStatements.activityCoverage());
    return dayCoverageOf(row);
  }

  async extendActivityCoverage(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, computeStatements.extendActivityCoverage(params));
  }

  /** Whether a day of [from, to] waits for recomputation for late activity (the state may not hold it yet). */
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
    await manager.query(`DROP TABLE IF EXISTS ${DAILY_WORK_TABLE}`);
    await this.exec(manager, computeStatements.dailyWork(relations, enabled, params, reads));
  }

  /**
   * The chunk's daily work, complete (its stored days restored), analysed before the bucket upserts read it. A daily
   * bucket is the work's own rows (rollupSql), joined with the bucket facts by scope and day: unanalysed, a month's
   * 3,131 rows were estimated at 3 and met every day's facts in a nested loop (0.63 s instead of 0.08 at scale 1).
   */
  async analyseDailyWork(manager: EntityManager): Promise<void> {
    await this.analyzeWithSample(manager, DAILY_WORK_TABLE);
  }

  /** The instant the lifecycle state may be read as of by the chunk of `params`, if any (lifecycleStateUsable). */
  async lifecycleStateAt(manager: EntityManager, params: Params): Promise<string | undefined> {
    const [row] = await this.exec(manager, computeStatements.lifecycleStateUsable(params));
    return row?.folded_to;
  }

  /**
   * Folds the lifecycle state from :lifecycle_at (an instant, or REBUILD_FROM: emptied first and folded from the
   * whole history) to FOLD_TO (:fold_day's week or month start), when that lies later; answers whether it moved.
   */
  async foldLifecycleState(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params & { lifecycle_at: string; fold_day: string },
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
    userDayCounts: string | undefined,
    params: Params,
    keyActions: KeyActionUsers = 'events',
    ledger: Extract<LedgerRows, 'moving' | 'stored'> = 'moving',
  ): Promise<void> {
    await this.exec(
      manager,
      computeStatements.bucketUpsert(relations, enabled, bucket, userDayCounts, params, keyActions, ledger),
    );
  }

  /** The activated signups of the days [:r0, :r1] before the run's first, counted again (activation-refresh.sql.ts). */
  async countActivation(manager: EntityManager, relations: SourceRelations, params: Params): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS ${ACTIVATION_REFRESH_TABLE}`);
    await this.exec(manager, { sql: activationRefreshSql.count(relations), params });
  }

  /** The first chunk's work table takes the counts, before its buckets are rolled up. */
  async refreshActivationInWork(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, { sql: activationRefreshSql.work, params });
  }

  /**
   * After the run: the days' snapshots (of the run's scopes) take the counts with the activation rate, and so do the
   * weeks and months that end before the run's first day, and, when `stored`, the stored days.
   */
  async refreshActivation(manager: EntityManager, params: Params, stored: boolean): Promise<void> {
    const statements = [
      ...activationRefreshSql.daily,
      ...activationRefreshSql.bucket('weekly'),
      ...activationRefreshSql.bucket('monthly'),
      ...(stored ? [activationRefreshSql.stored] : []),
    ];
    for (const sql of statements) await this.exec(manager, { sql, params });
  }

  /**
   * The cohorts of [:c0, :c1] upserted (those a recompute could change, see cohortsUpsertSql). Their members' active
   * weeks are read from the per-user activity state when it holds every day they depend on (same timezone and
   * activity relation, covered, no day waiting to be recomputed), otherwise from the activity source; their members
   * (first signups) from the per-user lifecycle state when a run could read it (same lifecycle relation, no mark of a
   * late transition before its instant), otherwise from every signup of the lifecycle source. `many`: the run
   * recomputes many cohorts (a long range, months asked for by name), so its joins are never nested loops
   * (withoutSortsOrNestedLoops) and its members' state rows are hashed; a short run's few are probed (CohortStateRows).
   */
  async upsertCohorts(
    manager: EntityManager,
    relations: SourceRelations,
    params: Params,
    many: boolean,
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
    await (many ? withoutSortsOrNestedLoops : withoutSorts)(
      (sql) => manager.query(sql),
      () =>
        this.exec(
          manager,
          computeStatements.cohortsUpsert(
            relations,
            { ...params, lifecycle_at: folded?.folded_to ?? null },
            activeWeeks,
            members,
            many ? 'hash' : 'probe',
          ),
        ),
    );
    return { activeWeeks, members };
  }
}
