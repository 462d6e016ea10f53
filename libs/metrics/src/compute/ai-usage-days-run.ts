import type { EntityManager } from 'typeorm';
import type { SourceRelations } from '../sql/source-relations.js';
import type { AiUsageDaysRepository } from '../repositories/ai-usage-days.repository.js';
import type { Params } from '../repositories/compute-statements.js';
import { usableCoverage } from './state-coverage.js';

/** A chunk's days [d0, d1] and the run's scope. */
type ChunkDays = Params & { d0: string; d1: string; tenant: string | null };

/**
 * The AI usage days as one run keeps them (docs/performance.md, "AI usage days"): each chunk folds the days it
 * computes, so every source path (ingest, a host's own relation, a late event's catch-up) reaches them through the
 * compute, as it reaches the snapshots.
 */
export class AiUsageDaysRun {
  private constructor(
    private readonly manager: EntityManager,
    private readonly days: AiUsageDaysRepository,
    private readonly relations: SourceRelations,
    private readonly timezone: string,
  ) {}

  /**
   * At the start of a run: days folded in another timezone or from another AI relation are emptied (local days
   * moved; this run and the next ones fold them again); without AI usage connected nothing is known exact.
   */
  static async open(
    manager: EntityManager,
    days: AiUsageDaysRepository,
    relations: SourceRelations,
    timezone: string,
    aiConnected: boolean,
  ): Promise<AiUsageDaysRun> {
    await usableCoverage(
      await days.coverage(manager),
      { connected: aiConnected, timezone, source: relations.from('ai') },
      { forget: () => days.forgetCoverage(manager), reset: () => days.reset(manager) },
    );
    return new AiUsageDaysRun(manager, days, relations, timezone);
  }

  /**
   * The chunk's days [d0, d1] folded. Only a run of every tenant extends the coverage: a one-tenant run keeps its
   * tenant's rows exact, not the global view's. A late event for a folded day marks it dirty, and the catch-up that
   * computes it again folds it again.
   */
  async fold(params: ChunkDays): Promise<void> {
    await this.days.fold(this.manager, this.relations, { ...params, f0: params.d0, f1: params.d1 });
    if (params.tenant !== null) return;
    await this.days.extendCoverage(this.manager, {
      tz: this.timezone,
      as_of: params.as_of,
      source: this.relations.from('ai'),
      f0: params.d0,
      f1: params.d1,
    });
  }
}
