import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import { addDays } from '../common/calendar-dates.js';
import { STORED_WORK_DAYS, dailyWorkInputs, dailyWorkStoreSql } from '../sql/daily-work-store.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';
import type { Params } from './compute-statements.js';

/** The stored daily work's statements, as pure functions (rendered in docs/sql/compute-stored-work.sql). */
export const storedWorkStatements = {
  /** Whether the days before :d0 of the work range have stored daily work a recompute would give again. */
  storedWorkUsable: (params: Params): Statement => ({ sql: dailyWorkStoreSql.usable, params }),

  /** Whether those stored days hold exactly the scopes of the work table's own days. */
  storedScopesMatch: (params: Params): Statement => ({ sql: dailyWorkStoreSql.scopesMatch, params }),

  /** The stored days before :d0 added to the work table. */
  restoreWork: (params: Params): Statement => ({ sql: dailyWorkStoreSql.restore, params }),

  /**
   * The stored rows of the work table's complete days from :clear_from are removed, those from :store_from written
   * again; the oldest stored days are pruned.
   */
  storeWork: (params: Params): Statement[] => [
    { sql: dailyWorkStoreSql.clear, params },
    { sql: dailyWorkStoreSql.store, params },
    { sql: dailyWorkStoreSql.prune, params },
  ],
};

/**
 * The compute's reads and writes of `metrics_daily_work` (docs/performance.md, "Stored daily work"), each statement
 * run in the caller's transaction, beside the work table it restores into or keeps from.
 */
@Injectable()
export class StoredDailyWorkRepository {
  private exec(manager: EntityManager, statement: Statement): Promise<Record<string, string>[]> {
    return run<Record<string, string>>((text, values) => manager.query(text, values), statement);
  }

  /** What a run's stored days depend on besides the data (a row recorded with other inputs is never reused). */
  inputs(relations: SourceRelations, enabled: ReadonlySet<string>, config: Record<string, unknown>): string {
    return dailyWorkInputs(relations, enabled, config);
  }

  /** The first day a run ending on `lastDay` keeps: the store holds its last STORED_WORK_DAYS days. */
  keepFrom(lastDay: string): string {
    return addDays(lastDay, -STORED_WORK_DAYS);
  }

  async storedWorkUsable(manager: EntityManager, params: Params): Promise<boolean> {
    const [row] = await this.exec(manager, storedWorkStatements.storedWorkUsable(params));
    return Boolean(row.usable);
  }

  async storedScopesMatch(manager: EntityManager, params: Params): Promise<boolean> {
    const [row] = await this.exec(manager, storedWorkStatements.storedScopesMatch(params));
    return Boolean(row.matches);
  }

  async restoreWork(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, storedWorkStatements.restoreWork(params));
  }

  async storeWork(manager: EntityManager, params: Params): Promise<void> {
    for (const statement of storedWorkStatements.storeWork(params)) await this.exec(manager, statement);
  }
}
