import { DAY_START, LOCAL_DAY, TENANT_FILTER } from './sql-fragments.js';
import type { SourceRelations } from './source-relations.js';
import { dayCoverageSql } from './day-coverage.sql.js';

/**
 * The key-action days (docs/performance.md, "Key-action days"): one row per tenant, action, user and local day with
 * that action, beside the same user's previous day with the same action. A bucket's users per key action are then
 * the rows of its days whose previous day lies before the bucket: counted, where the events had to be hashed by
 * (tenant, action, user). Derived data: folded from the activation source by the compute itself.
 */
export const KEY_ACTION_DAYS_TABLE = 'metrics_key_action_day';
export const KEY_ACTION_DAYS_COVERAGE_TABLE = 'metrics_key_action_day_coverage';

/** The days the key-action days hold exactly (day-coverage.sql.ts). */
export const keyActionCoverageSql = dayCoverageSql(KEY_ACTION_DAYS_COVERAGE_TABLE, KEY_ACTION_DAYS_TABLE);

/**
 * The latest day before `before` on which the user of `row` did its action (null: none), probed through the unique
 * key's index (tenant_id, action, user_id, day); a null tenant is probed by its own equality, as `=` never matches it.
 */
const previousDayBefore = (row: string, before: string) => {
  const probe = (tenant: string) => `(SELECT max(p.day) FROM ${KEY_ACTION_DAYS_TABLE} AS p
        WHERE ${tenant} AND p.action = ${row}.action AND p.user_id = ${row}.user_id AND p.day < ${before})`;
  return `CASE WHEN ${row}.tenant_id IS NULL THEN ${probe('p.tenant_id IS NULL')}
        ELSE ${probe(`p.tenant_id = ${row}.tenant_id`)} END`;
};

/**
 * Folding the activation source's local days [:f0, :f1] into the key-action days, exactly and for the scope (:tenant):
 * the days' rows are deleted (`clear`) and set again from the source (`set`: an event deleted or moved since the last
 * fold is gone too), each linked to its previous day with the action. A run's folds go forward in time, each probing
 * the days before it, so the rows after the run's last folded day :f1 alone are then linked again (`relink`): those
 * whose previous day lay on or before :f1, the days it could point into or skip. Every action is kept, configured or
 * not, so a change of the configured actions needs no refold.
 */
export const foldKeyActionDaysSql = {
  clear: `DELETE FROM ${KEY_ACTION_DAYS_TABLE} WHERE day BETWEEN :f0::date AND :f1::date AND ${TENANT_FILTER}`,
  set: (
    relations: SourceRelations,
  ) => `INSERT INTO ${KEY_ACTION_DAYS_TABLE} (tenant_id, action, user_id, day, previous_day)
    SELECT tenant_id, action, user_id, day,
      -- Only a key's first day in the fold probes the rows before it (coalesce stops at the first non-null).
      coalesce(lag(day) OVER same_key, ${previousDayBefore('d', ':f0::date')})
    FROM (SELECT DISTINCT tenant_id, action, user_id, ${LOCAL_DAY('occurred_at')} AS day
          FROM ${relations.from('activation')}
          WHERE occurred_at >= ${DAY_START(':f0::date')} AND occurred_at < ${DAY_START(':f1::date + 1')}
            AND ${TENANT_FILTER}) AS d
    WINDOW same_key AS (PARTITION BY tenant_id, action, user_id ORDER BY day)`,
  // A key's first row after :f1 is the one whose previous day is on or before :f1 (or none); the rows after it point
  // at days after :f1, which the fold did not touch. One table, no join: within a run the table has no statistics
  // yet, and a join planned on guesses took 0.36 s at the end of a scale-0.1 backfill, this form 0.1 ms. The probes
  // read days before the row's own, which this statement does not change (it changes one row per key, the first
  // after :f1).
  relink: `UPDATE ${KEY_ACTION_DAYS_TABLE} AS r SET previous_day = ${previousDayBefore('r', 'r.day')}
    WHERE r.day > :f1::date AND (r.previous_day IS NULL OR r.previous_day <= :f1::date)
      AND (:tenant::varchar IS NULL OR r.tenant_id = :tenant)
      AND r.previous_day IS DISTINCT FROM ${previousDayBefore('r', 'r.day')}`,
};

/**
 * Users per configured key action in each bucket of the local days [:w0, :w1], as bucket-fact rows (tenant_id,
 * bucket_date, fact, value): a user counts once per bucket, on their first day of the action in it, the one whose
 * previous day with that action lies before the bucket's first day (`bucket` maps a day to that first day). An
 * index-only scan of the days' rows and a count, where the events needed a hash of every (tenant, action, user).
 */
export function keyActionDaysUsersSql(bucket: (day: string) => string): string {
  return `SELECT tenant_id, ${bucket('day')} AS bucket_date, 'action:' || action AS fact, count(*) AS value
      FROM ${KEY_ACTION_DAYS_TABLE}
      WHERE day BETWEEN :w0::date AND :w1::date AND action = ANY(:actions::text[]) AND ${TENANT_FILTER}
        AND (previous_day IS NULL OR previous_day < ${bucket('day')})
      GROUP BY 1, 2, 3`;
}
