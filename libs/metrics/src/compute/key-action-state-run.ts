import type { EntityManager } from 'typeorm';
import { addDays } from '../common/calendar-dates.js';
import type { DayCoverage } from '../sql/day-coverage.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';
import type { KeyActionDaysRepository } from '../repositories/key-action-days.repository.js';
import type { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';
import type { Params } from '../repositories/compute-statements.js';
import { coverageSpans, usableCoverage } from './state-coverage.js';

/** A chunk's days [d0, d1] and work range [w0, w1] (or a whole run's: foldRun), and the run's scope. */
type RunDays = Params & { w0: string; w1: string; d0: string; d1: string; tenant: string | null };

/**
 * The key-action days as one run uses them (docs/performance.md, "Key-action days"). Each chunk folds the days it
 * counts users per key action over (its work range, or from its first day when the days before are held exactly),
 * so every source path reaches them through the compute; its week's and month's users per key action are then
 * counted from them. The rows after the run's last folded day are linked to their previous days once, at the end:
 * every earlier row lies in a later chunk's fold, which probes the days before it again.
 */
export class KeyActionStateRun {
  private foldedThrough: string | undefined;
  /** Set once foldRun has folded the whole run: the chunks' own folds are then done already. */
  private runFolded = false;

  private constructor(
    private readonly manager: EntityManager,
    private readonly days: KeyActionDaysRepository,
    private readonly writes: SnapshotWritesRepository,
    private readonly relations: SourceRelations,
    private readonly timezone: string,
    private coverage: DayCoverage | undefined,
    /**
     * No coverage was stored when the run began: no reader counts from the table (a reader does only when the
     * coverage holds its days), so a fold into it while empty may build its indexes after writing, which locks the
     * table until the run commits. With a coverage stored, a summary may be counting from the old rows meanwhile.
     */
    private unread: boolean,
  ) {}

  /**
   * At the start of a run: days folded in another timezone or from another activation relation are emptied (local
   * days moved; this run and the next ones fold them again); without activation connected nothing is known exact.
   */
  static async open(
    manager: EntityManager,
    days: KeyActionDaysRepository,
    writes: SnapshotWritesRepository,
    relations: SourceRelations,
    timezone: string,
    activationConnected: boolean,
  ): Promise<KeyActionStateRun> {
    const stored = await days.coverage(manager);
    const coverage = await usableCoverage(
      stored,
      { connected: activationConnected, timezone, source: relations.from('activation') },
      { forget: () => days.forgetCoverage(manager), reset: () => days.reset(manager) },
    );
    return new KeyActionStateRun(manager, days, writes, relations, timezone, coverage, stored === undefined);
  }

  /** Folds the chunk's days, after which the key-action days hold its whole work range exactly for its scope. */
  async fold(params: RunDays): Promise<void> {
    if (!this.runFolded) await this.foldDays(params);
  }

  /**
   * For a run of several chunks (calendar years), before the first: every chunk's work range folded at once
   * (`params`: the first chunk's w0 and d0, the last one's w1 and d1), as one chunk's is. A fold links each key's
   * first day in it to the day before through one index probe; folded by year, each later year probed every key of
   * its first days again (507,286 probes, ~2 s, for 2026 at scale 1), and a fresh backfill's one fold probes none.
   */
  async foldRun(params: RunDays): Promise<void> {
    await this.foldDays(params);
    this.runFolded = true;
  }

  private async foldDays(params: RunDays): Promise<void> {
    const f0 = (await this.holds(params.w0, addDays(params.d0, -1))) ? params.d0 : params.w0;
    await this.days.fold(this.manager, this.relations, { ...params, f0, f1: params.w1 }, this.unread);
    this.foldedThrough =
      this.foldedThrough === undefined || params.w1 > this.foldedThrough ? params.w1 : this.foldedThrough;
    // Only the days this run computes join the coverage: a late event for a computed day marks it dirty and the
    // catch-up folds it again, which is not so for the other days of a work range.
    if (params.tenant === null) {
      await this.days.extendCoverage(this.manager, {
        tz: this.timezone,
        as_of: params.as_of,
        source: this.relations.from('activation'),
        f0: params.d0,
        f1: params.d1,
      });
      this.coverage = await this.days.coverage(this.manager);
    }
  }

  /** After the run's last chunk: the rows after its folded days linked again to their previous days. */
  async finish(tenant: string | null): Promise<void> {
    if (this.foldedThrough === undefined) return;
    await this.days.relink(this.manager, { tenant, f1: this.foldedThrough });
  }

  /**
   * The first day from which the key-action days hold every day before the chunk's first day exactly, when they do
   * (their coverage reaches the day before :d0, none of its days waits to be recomputed), and the chunk folded its
   * own: its first key actions are then looked for among the users the key-action days give (firstKeyActionCandidates
   * in source-facts.ts). Not for a run of several chunks, which reads them from its own table.
   */
  async heldFrom(params: { d0: string }): Promise<string | undefined> {
    const coverage = this.coverage;
    if (this.runFolded || coverage === undefined || coverage.first >= params.d0) return undefined;
    return (await this.holds(coverage.first, addDays(params.d0, -1))) ? coverage.first : undefined;
  }

  /** Whether the days hold every tenant's key actions of [from, to] exactly (no day of it waits to be recomputed). */
  private async holds(from: string, to: string): Promise<boolean> {
    if (from > to) return true;
    if (!coverageSpans(this.coverage, from, to)) return false;
    return !(await this.writes.anyDirtyDay(this.manager, from, to));
  }
}
