import type { EntityManager } from 'typeorm';
import type { SourceRelations } from '../sql/source-relations.js';
import { REBUILD_FROM, type Params } from '../repositories/compute-statements.js';
import type { LifecycleRows } from '../sql/source-facts.js';
import type { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';

/** How a chunk reads the lifecycle source: its whole history, or the state as of `at` and the events after. */
export type LifecycleRead = { rows: 'history' } | { rows: Extract<LifecycleRows, 'state'>; at: string };

/**
 * The per-user lifecycle state as one run uses it (docs/performance.md, "Per-user activity state", lifecycle part).
 * A chunk whose work range starts at or after the instant the state is folded to, with no mark of a late transition
 * before that instant (lifecycleCoverageSql.usable), reads only the lifecycle events from that instant on and the state before it (the eve's active users
 * and signups, each user's state before their first event read, who signed up before). After its work, a run for
 * every tenant folds the state forward to the start of its first day's week or month (FOLD_TO; in a run of several
 * chunks, the next chunk's first day's), or rebuilds it from the whole
 * history it has just read when it could not trust it (first run, a late transition before the instant, another
 * lifecycle relation). The state holds instants, so a timezone change does not touch it. A one-tenant run reads it when it
 * can but never moves it: its rows are every tenant's.
 */
export class LifecycleStateRun {
  private constructor(
    private readonly manager: EntityManager,
    private readonly writes: SnapshotWritesRepository,
    private readonly relations: SourceRelations,
    private readonly connected: boolean,
  ) {}

  /** Without lifecycle connected, nothing says the state follows the source: it is forgotten, rebuilt later. */
  static async open(
    manager: EntityManager,
    writes: SnapshotWritesRepository,
    relations: SourceRelations,
    lifecycleConnected: boolean,
  ): Promise<LifecycleStateRun> {
    if (!lifecycleConnected) await writes.forgetLifecycleCoverage(manager);
    return new LifecycleStateRun(manager, writes, relations, lifecycleConnected);
  }

  /** How the chunk of `params` (its work range :w0..:w1) reads the lifecycle source. */
  async read(params: Params): Promise<LifecycleRead> {
    if (!this.connected) return { rows: 'history' };
    const at = await this.writes.lifecycleStateAt(this.manager, { ...params, source: this.source });
    return at === undefined ? { rows: 'history' } : { rows: 'state', at };
  }

  /**
   * After the chunk's work: the state folded forward from where it was read, or rebuilt from the whole history, to
   * the start of the work range of `foldDay` (FOLD_TO): the chunk's first day, or the next chunk's in a run of several.
   */
  async advance(params: Params, read: LifecycleRead, foldDay: string): Promise<void> {
    if (!this.connected || params.tenant !== null) return;
    const from = read.rows === 'state' ? read.at : REBUILD_FROM;
    await this.writes.foldLifecycleState(this.manager, this.relations, {
      ...params,
      source: this.source,
      lifecycle_at: from,
      fold_day: foldDay,
    });
  }

  /** The lifecycle relation as the state was folded from it: the module's table, or the host's relation text. */
  private get source(): string {
    return this.relations.from('lifecycle');
  }
}
