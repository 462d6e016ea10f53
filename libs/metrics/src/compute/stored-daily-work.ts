import type { EntityManager } from 'typeorm';
import type { Params } from '../repositories/compute-statements.js';
import type { StoredDailyWorkRepository } from '../repositories/stored-daily-work.repository.js';

/** A chunk's work range and first day (YYYY-MM-DD), as the run's parameters carry them. */
type ChunkParams = Params & { w0: string; d0: string; w1: string };

/**
 * The stored daily work as one run uses it (docs/performance.md, "Stored daily work"). A chunk's work range starts
 * with the whole week and month of its first day, which the rollup needs although only the chunk's own days are
 * written: on a month's last day that was 30 days of daily work for one day's run. Every run for all tenants keeps
 * the complete days it built (its last STORED_WORK_DAYS); a one-chunk run whose days before its first are stored, exact and of its own scopes
 * builds only its own days and takes the others from the store. A run for one tenant (its scopes differ) or a dry
 * run (it checks the stored numbers against a recompute) neither reads nor writes the store.
 */
export class StoredDailyWork {
  constructor(
    private readonly manager: EntityManager,
    private readonly store: StoredDailyWorkRepository,
    private readonly inputs: string,
    /** Whether this run may read the store: for all tenants, not a dry run, one chunk. */
    private readonly readable: boolean,
    /** Whether this run keeps what it builds: for all tenants, not a dry run. */
    private readonly writable: boolean,
    /** The first day this run keeps (STORED_WORK_DAYS before its last): earlier days are only cleared. */
    private readonly keepFrom: string,
  ) {}

  /** Whether the chunk may build only its own days: the days of its work range before them are stored and usable. */
  async coversDaysBefore(params: ChunkParams): Promise<boolean> {
    if (!this.readable || params.d0 <= params.w0) return false;
    return this.store.storedWorkUsable(this.manager, this.readParams(params));
  }

  /**
   * After the chunk's own days are built (the work table holds them): the stored days before them are added, when
   * they hold the same scopes. Answers false when they do not, and the chunk builds its whole work range instead.
   */
  async restoreDaysBefore(params: ChunkParams): Promise<boolean> {
    const read = this.readParams(params);
    if (!(await this.store.storedScopesMatch(this.manager, read))) return false;
    await this.store.restoreWork(this.manager, read);
    return true;
  }

  /**
   * Keeps the work table's complete days the chunk built (from :d0 when the days before were restored), those of
   * the run's last STORED_WORK_DAYS only; the stored rows of every day it built are replaced or removed.
   */
  async keep(params: ChunkParams, builtFrom: string): Promise<void> {
    if (!this.writable) return;
    await this.store.storeWork(this.manager, {
      ...params,
      inputs: this.inputs,
      clear_from: builtFrom,
      store_from: builtFrom > this.keepFrom ? builtFrom : this.keepFrom,
      work_from: params.w0,
    });
  }

  private readParams(params: ChunkParams): Params {
    return { ...params, inputs: this.inputs, reuse_from: params.w0 };
  }
}
