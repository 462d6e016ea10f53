import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import { dayCoverageOf, type DayCoverage } from '../sql/day-coverage.sql.js';
import { aiUsageCoverageSql, foldAiUsageDaysSql } from '../sql/ai-usage-days.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';

type Params = Record<string, unknown>;

/** The AI usage days' statements, as pure functions (rendered in docs/sql/ai-usage-days.sql). */
export const aiUsageDaysStatements = {
  /** The local days [:f0, :f1] of the AI source folded in, for the scope (:tenant): cleared, then set. */
  fold: (relations: SourceRelations, params: Params) => ({
    clear: { sql: foldAiUsageDaysSql.clear, params },
    set: { sql: foldAiUsageDaysSql.set(relations), params },
  }),
  coverage: (): Statement => ({ sql: aiUsageCoverageSql.read, params: {} }),
  /** The days [:f0, :f1], folded for every tenant, join the coverage (today excluded: it is to date). */
  extendCoverage: (params: Params): Statement => ({ sql: aiUsageCoverageSql.extend, params }),
  /** Whether the AI usage days hold the local days [:from, :to] of :source exactly in timezone :tz. */
  holds: (params: Params): Statement => ({ sql: aiUsageCoverageSql.holds(':from::date', ':to::date'), params }),
};

/** Runs the AI usage days' statements in the caller's transaction (the compute's, or a reader's). */
@Injectable()
export class AiUsageDaysRepository {
  private exec(manager: EntityManager, statement: Statement): Promise<Record<string, string>[]> {
    return run<Record<string, string>>((text, values) => manager.query(text, values), statement);
  }

  async fold(manager: EntityManager, relations: SourceRelations, params: Params): Promise<void> {
    const { clear, set } = aiUsageDaysStatements.fold(relations, params);
    await this.exec(manager, clear);
    await this.exec(manager, set);
  }

  async coverage(manager: EntityManager): Promise<DayCoverage | undefined> {
    const [row] = await this.exec(manager, aiUsageDaysStatements.coverage());
    return dayCoverageOf(row);
  }

  async extendCoverage(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, aiUsageDaysStatements.extendCoverage(params));
  }

  /** Empties the days and their coverage (the timezone or the AI relation changed: local days moved). */
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(aiUsageCoverageSql.reset);
  }

  /** The days are no longer known to be exact (AI usage not connected for a run); folded again later. */
  async forgetCoverage(manager: EntityManager): Promise<void> {
    await manager.query(aiUsageCoverageSql.forget);
  }
}
