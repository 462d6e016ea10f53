import { createHash } from 'node:crypto';
import type { SourceRelations } from './source-relations.js';
import { dailyWorkSql } from './daily-work.sql.js';
// The table is named where the daily work reads its eve from it.
import { DAILY_WORK_TABLE } from './stored-eve.sql.js';
import { SAME_TENANT } from './sql-fragments.js';
import { STATE_SOURCES, markOf } from './dirty-marks.sql.js';

/*
 * The stored daily work (docs/performance.md, "Stored daily work"): every complete day's row of the work table
 * (every scope's work metrics, as jsonb), kept so that a one-day run rolls its week and month up from the days
 * before its own instead of computing them again. Parameters: :env, :tz, :as_of, :inputs, :reuse_from (the
 * chunk's work range start) and :d0 (its first day) for reading; :clear_from, :store_from, :w1 and :work_from for
 * writing.
 */

/**
 * How many days before a run's last day it keeps, and before the latest stored day are kept: a run reuses at most
 * the 30 days before its own, so a backfill's earlier chunks store nothing (they only clear what they recompute).
 */
export const STORED_WORK_DAYS = 62;

/**
 * What a day's work values depend on besides the data: the configuration a run reads (timezone, key actions,
 * currency and rates, burn, cash, …), the sources connected, and the daily work's own SQL text (which names the
 * relations read and every work metric, so a changed catalog or relation, or a new release, never reuses a row).
 */
export function dailyWorkInputs(
  relations: SourceRelations,
  enabled: ReadonlySet<string>,
  config: Record<string, unknown>,
): string {
  const { as_of: _asOf, tenant: _tenant, ...inputs } = config;
  const text = JSON.stringify({ inputs, enabled: [...enabled].sort(), work: dailyWorkSql(relations, enabled) });
  return createHash('sha256').update(text).digest('hex');
}

/** The stored rows of the days [:reuse_from, :d0 - 1] (`row`: the table's alias, when a statement needs one). */
const storedBeforeD0 = (row = DAILY_WORK_TABLE) =>
  `${row}.environment = :env AND ${row}.day BETWEEN :reuse_from::date AND :d0::date - 1`;

/** The last day a run may store: the work range's end, but no day that was not over at :as_of (it is to date). */
const LAST_COMPLETE_DAY = `least(:w1::date, (:as_of::timestamptz AT TIME ZONE :tz)::date - 1)`;

export const dailyWorkStoreSql = {
  /**
   * Whether every day of [:reuse_from, :d0 - 1] has stored rows a recompute would give again: computed with the same
   * inputs, after the day was over, by a run whose work range began no later (so its scopes are this run's, see
   * scopesMatch), and no day of them waiting to be recomputed for data a later day's eve is taken from (a late
   * signup, login or billing change; STATE_SOURCES.storedEve).
   */
  usable: `SELECT
      (SELECT count(*) FROM ${DAILY_WORK_TABLE}
       WHERE ${storedBeforeD0()} AND is_global AND inputs = :inputs AND work_from <= :reuse_from::date
         AND (computed_as_of AT TIME ZONE :tz)::date > day) = :d0::date - :reuse_from::date
      AND NOT EXISTS (SELECT 1 FROM metrics_dirty_day
                      WHERE day BETWEEN :reuse_from::date AND :d0::date - 1 AND ${markOf(STATE_SOURCES.storedEve)})
      AS usable`,

  /**
   * Whether the stored days hold exactly the scopes (the global view, each tenant) of the run's own days in the
   * work table. A full run has one row per scope and day, its scopes those with facts from its eve on; a tenant
   * whose only facts lie before :d0 (or in the lookback of :reuse_from) is in the stored rows but not in the run's
   * own days, and a tenant new since is in those only: either way the run computes every day instead.
   */
  scopesMatch: `WITH own_scopes AS (SELECT DISTINCT is_global, tenant_id FROM metrics_work),
      expected AS (
        SELECT d::date AS day, s.is_global, s.tenant_id
        FROM own_scopes s CROSS JOIN generate_series(:reuse_from::date, :d0::date - 1, interval '1 day') AS d),
      stored AS (SELECT day, is_global, tenant_id FROM ${DAILY_WORK_TABLE} WHERE ${storedBeforeD0()})
    SELECT NOT EXISTS (
      SELECT 1 FROM expected e
      FULL JOIN stored s ON s.day = e.day AND s.is_global = e.is_global AND ${SAME_TENANT('s', 'e')}
      WHERE e.day IS NULL OR s.day IS NULL) AS matches`,

  /**
   * The stored days [:reuse_from, :d0 - 1] added to the work table, column for column. The record is expanded in a
   * lateral join: `(jsonb_populate_record(…)).*` in the select list would call the function once per column.
   */
  restore: `INSERT INTO metrics_work
    SELECT r.* FROM ${DAILY_WORK_TABLE} AS w CROSS JOIN LATERAL jsonb_populate_record(NULL::metrics_work, w.work) AS r
    WHERE ${storedBeforeD0('w')}`,

  /**
   * The complete days the chunk recomputed, [:clear_from, :w1], lose their stored rows (every scope of a day at
   * once), so that no row a recompute may have changed is left; the work table's from :store_from replace them.
   */
  clear: `DELETE FROM ${DAILY_WORK_TABLE}
    WHERE environment = :env AND day BETWEEN :clear_from::date AND ${LAST_COMPLETE_DAY}`,

  store: `INSERT INTO ${DAILY_WORK_TABLE} (environment, is_global, tenant_id, day, work, inputs, work_from, computed_as_of)
    SELECT :env, w.is_global, w.tenant_id, w.day, to_jsonb(w), :inputs, :work_from::date, :as_of::timestamptz
    FROM metrics_work AS w WHERE w.day BETWEEN :store_from::date AND ${LAST_COMPLETE_DAY}`,

  prune: `DELETE FROM ${DAILY_WORK_TABLE}
    WHERE environment = :env
      AND day < (SELECT max(day) FROM ${DAILY_WORK_TABLE} WHERE environment = :env) - ${STORED_WORK_DAYS}`,
};
