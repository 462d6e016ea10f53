import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { withIndexesBuiltAfter } from '../database/indexes-built-after.js';
import { run, type Statement } from '../database/statement.js';
import { dayCoverageOf, type DayCoverage } from '../sql/day-coverage.sql.js';
import {
  foldKeyActionDaysSql,
  KEY_ACTION_DAYS_TABLE,
  KEY_ACTION_TENANT_DAYS_TABLE,
  keyActionCoverageSql,
  refreshKeyActionCountsSql,
  REFRESHED_DAYS,
} from '../sql/key-action-days.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';

type Params = Record<string, unknown>;

/** The key-action days' statements, as pure functions (rendered in docs/sql/key-action-days.sql). */
export const keyActionDaysStatements = {
  /**
   * The local days [:f0, :f1] of the activation source folded in, for the scope (:tenant): cleared, then set; then
   * the days' counts, global and per tenant, counted again (from every tenant's rows).
   */
  fold: (relations: SourceRelations, params: Params) => ({
    clear: { sql: foldKeyActionDaysSql.clear, params },
    set: { sql: foldKeyActionDaysSql.set(relations), params },
    refresh: refreshKeyActionCountsSql(REFRESHED_DAYS.folded).map((sql) => ({ sql, params })),
  }),
  /** Whether the table holds no row (after a fold's clear): the fold then builds its indexes after writing. */
  empty: (): Statement => ({ sql: foldKeyActionDaysSql.empty, params: {} }),
  /**
   * The scope's rows after :f1 whose previous day lay on or before it, linked again to their true previous day;
   * answers the days changed.
   */
  relink: (params: Params): Statement => ({ sql: foldKeyActionDaysSql.relink, params }),
  /** The counts of the days a relink changed (:days). */
  refreshRelinked: (days: string[]): Statement[] =>
    refreshKeyActionCountsSql(REFRESHED_DAYS.relinked).map((sql) => ({ sql, params: { days } })),
  coverage: (): Statement => ({ sql: keyActionCoverageSql.read, params: {} }),
  /** The days [:f0, :f1], folded for every tenant, join the coverage (today excluded: it is to date). */
  extendCoverage: (params: Params): Statement => ({ sql: keyActionCoverageSql.extend, params }),
  /** Whether the key-action days hold the local days [:from, :to] of :source exactly in timezone :tz. */
  holds: (params: Params): Statement => ({ sql: keyActionCoverageSql.holds(':from::date', ':to::date'), params }),
};

/** Runs the key-action days' statements in the caller's transaction (the compute's, or a reader's). */
@Injectable()
export class KeyActionDaysRepository {
  private exec(manager: EntityManager, statement: Statement): Promise<Record<string, string>[]> {
    return run<Record<string, string>>((text, values) => manager.query(text, values), statement);
  }

  /**
   * Into an empty table that no reader counts from (`unread`: a first backfill, no coverage stored) the rows are
   * written before the indexes are built (database/indexes-built-after.ts): a whole backfill's set took ~16 s at
   * scale 1 with them kept up to date, ~10 s so. The tenants' counts of those rows too: ~283,000 at scale 1, each
   * insert descending the key's tree where one sort builds it after (4.0–4.5 → 3.1–3.4 s in psql, alternated); no
   * reader counts from them either, as they are read only where the days' coverage holds.
   */
  async fold(manager: EntityManager, relations: SourceRelations, params: Params, unread = false): Promise<void> {
    const { clear, set, refresh } = keyActionDaysStatements.fold(relations, params);
    const refreshCounts = async () => {
      for (const statement of refresh) await this.exec(manager, statement);
    };
    await this.exec(manager, clear);
    if (unread && (await this.isEmpty(manager))) {
      const query = (sql: string, values?: unknown[]) => manager.query(sql, values);
      await withIndexesBuiltAfter(query, KEY_ACTION_DAYS_TABLE, () => this.exec(manager, set));
      await withIndexesBuiltAfter(query, KEY_ACTION_TENANT_DAYS_TABLE, refreshCounts);
      return;
    }
    await this.exec(manager, set);
    await refreshCounts();
  }

  private async isEmpty(manager: EntityManager): Promise<boolean> {
    const query = (text: string, values: unknown[]) => manager.query(text, values);
    const [{ empty }] = await run<{ empty: boolean }>(query, keyActionDaysStatements.empty());
    return empty;
  }

  async relink(manager: EntityManager, params: Params): Promise<void> {
    const days = (await this.exec(manager, keyActionDaysStatements.relink(params))).map((row) => row.day);
    if (days.length === 0) return;
    for (const statement of keyActionDaysStatements.refreshRelinked(days)) await this.exec(manager, statement);
  }

  async coverage(manager: EntityManager): Promise<DayCoverage | undefined> {
    const [row] = await this.exec(manager, keyActionDaysStatements.coverage());
    return dayCoverageOf(row);
  }

  async extendCoverage(manager: EntityManager, params: Params): Promise<void> {
    await this.exec(manager, keyActionDaysStatements.extendCoverage(params));
  }

  /** Empties the days and their coverage (the timezone or the activation relation changed: local days moved). */
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(keyActionCoverageSql.reset);
  }

  /** The days are no longer known to be exact (activation not connected for a run); refolded later. */
  async forgetCoverage(manager: EntityManager): Promise<void> {
    await manager.query(keyActionCoverageSql.forget);
  }
}
