import type { EntityManager } from 'typeorm';
import { addDays } from '../common/calendar-dates.js';
import type { SourceRelations } from '../sql/source-relations.js';
import { WINDOW_DAYS } from '../sql/stored-eve.sql.js';
import type { ActivityCoverage, Params } from '../repositories/compute-statements.js';
import type { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';
import { coverageSpans, usableCoverage } from './state-coverage.js';

/** A chunk's days [d0, d1] and work range [w0, w1] (or a whole run's: foldRun) beside the run's parameters. */
type RunDays = Params & { w0: string; w1: string; d0: string; d1: string };

/**
 * The per-user activity state as one run uses it (docs/performance.md, "Per-user activity state"). Each chunk's
 * user-days are folded into the state for the days the chunk read from the activity source, so every source path
 * (events through ingest, a host relation, late and deleted rows) reaches it through the compute. A chunk whose
 * earlier days (29 days before its work range up to the day before its first day) the state holds exactly reads
 * only its own days from the source and the rest from the state: the nightly run reads one day of events.
 */
export class ActivityStateRun {
  private constructor(
    private readonly manager: EntityManager,
    private readonly writes: SnapshotWritesRepository,
    private readonly relations: SourceRelations,
    private readonly timezone: string,
    private coverage: ActivityCoverage | undefined,
    /**
     * No coverage was stored when the run began: no reader counts from the state (a reader does only when the
     * coverage holds its days), so a whole run's fold into it while empty may build its indexes after writing, which
     * locks the table until the run commits. With a coverage stored, a summary may be counting from the old rows.
     */
    private readonly unread: boolean,
  ) {}

  /** The table of a whole run's user-day counts, once foldRun has built it: every chunk reads it. */
  private runCounts: string | undefined;

  /**
   * At the start of a run: a state folded in another timezone or from another activity relation is emptied (local
   * days moved; this run and the next ones fold it again); without activity connected nothing is known exact.
   */
  static async open(
    manager: EntityManager,
    writes: SnapshotWritesRepository,
    relations: SourceRelations,
    timezone: string,
    activityConnected: boolean,
  ): Promise<ActivityStateRun> {
    const stored = await writes.activityCoverage(manager);
    const coverage = await usableCoverage(
      stored,
      { connected: activityConnected, timezone, source: sourceKey(relations) },
      { forget: () => writes.forgetActivityCoverage(manager), reset: () => writes.resetActivityState(manager) },
    );
    return new ActivityStateRun(manager, writes, relations, timezone, coverage, stored === undefined);
  }

  /**
   * Builds the chunk's user-days table (from the state where it is exact), folds what it read into the state and
   * answers the table of their counts per tenant and day (userDayCountsSql), all the daily work and buckets read.
   * `windowChanges`: the chunk builds its own days only and may take WAU and MAU on its eve from the stored day; when
   * the state holds the 30 days before its first day, the user-days hold the users whose windows change only
   * (userDaysForWindowChanges) and `windowsFromEve` says so: the daily work must then take the windows' eve from the
   * store.
   */
  async userDays(params: RunDays, windowChanges = false): Promise<{ counts: string; windowsFromEve: boolean }> {
    if (this.runCounts) return { counts: this.runCounts, windowsFromEve: false };
    return this.build(params, windowChanges, false);
  }

  /**
   * For a run of several chunks (calendar years), before the first: the user-days of every chunk's work range and
   * lookback (`params`: the first chunk's w0 and d0, the last one's w1 and d1) built, folded into the state and
   * counted in one go, as one chunk's are; each chunk then reads the counts of its days (every reader keeps to its
   * work range). A user-day's neighbours are the same whichever chunk reads it, so the counts of a chunk's days are
   * those its own user-days gave. Read from the activity source, the whole range's user-days come in the order of its
   * (tenant, user, time) index, one sort of each user's days, and are kept as one row per user (activeDaysOfRunSql):
   * the state's rows are taken from it year by year, and the counts' user-days read back from it; where each chunk
   * sorted a year's events, the state is folded once. The price: the whole run's user-days in one temporary table.
   */
  async foldRun(params: RunDays): Promise<void> {
    this.runCounts = (await this.build(params, false, true)).counts;
  }

  private async build(
    params: RunDays,
    windowChanges: boolean,
    wholeRun: boolean,
  ): Promise<{ counts: string; windowsFromEve: boolean }> {
    const lookback = addDays(params.w0, -29);
    const before = addDays(params.d0, -1);
    const windowsFromEve =
      windowChanges &&
      params.w0 === params.d0 &&
      (await this.holds(addDays(params.d0, -WINDOW_DAYS.mau_window), before));
    const fromState = windowsFromEve || (await this.holds(lookback, before));
    const from = windowsFromEve ? 'window changes' : fromState ? 'state' : wholeRun ? 'run from activity' : 'activity';
    const built = await this.writes.materialiseUserDays(this.manager, this.relations, params, from);
    await this.writes.foldUserDays(
      this.manager,
      built,
      { ...params, f0: fromState ? params.d0 : lookback, f1: params.w1 },
      wholeRun && this.unread,
    );
    const counts = await this.writes.countUserDays(this.manager, built);
    // Only the days this run computes join the coverage: a late event for a computed day marks it dirty and the
    // catch-up folds it again, which is not so for a day merely read as a window's lookback.
    if (params.tenant === null) {
      await this.writes.extendActivityCoverage(this.manager, {
        tz: this.timezone,
        as_of: params.as_of,
        source: sourceKey(this.relations),
        f0: params.d0,
        f1: params.d1,
      });
      this.coverage = await this.writes.activityCoverage(this.manager);
    }
    return { counts, windowsFromEve };
  }

  /** Whether the state holds the work range's days before the chunk's first day exactly (see StoredDailyWork). */
  holdsDaysBefore(params: { w0: string; d0: string }): Promise<boolean> {
    return this.holds(params.w0, addDays(params.d0, -1));
  }

  /** Whether the state holds every tenant's user-days of [from, to] exactly (no day of it waits to be recomputed). */
  private async holds(from: string, to: string): Promise<boolean> {
    if (!coverageSpans(this.coverage, from, to)) return false;
    return !(await this.writes.anyDirtyDay(this.manager, from, to));
  }
}

/** The activity relation as the state was folded from it: the module's table, or the host's relation text. */
function sourceKey(relations: SourceRelations): string {
  return relations.from('activity');
}
