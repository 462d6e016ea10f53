import type { SourceRelations } from './source-relations.js';
import { dayCoverageSql } from './day-coverage.sql.js';
import { STATE_SOURCES } from './dirty-marks.sql.js';
import { DAY_START, LOCAL_DAY, TENANT_FILTER } from './sql-fragments.js';

/**
 * The AI usage days (docs/performance.md, "AI usage days"): the AI events summed per local day and model, for the
 * global view (`is_global`: every event, those of no tenant too) and per tenant: tokens, cost and requests, exact
 * (the cost unrounded). AI usage adds up across days, so a range's usage per model is the sum of its days' rows: a
 * summary of a month reads ~90 global rows where it read the month's events (~18,000 at scale 1). Derived data,
 * folded by the compute for the days it computes, with the days it holds exactly (coverage).
 */
export const AI_USAGE_DAYS_TABLE = 'metrics_ai_usage_day';
export const AI_USAGE_DAYS_COVERAGE_TABLE = 'metrics_ai_usage_day_coverage';

/** The days the AI usage days hold exactly, as of their last fold (day-coverage.sql.ts). */
export const aiUsageCoverageSql = dayCoverageSql(
  AI_USAGE_DAYS_COVERAGE_TABLE,
  AI_USAGE_DAYS_TABLE,
  STATE_SOURCES.aiUsageDays,
);

/** The rows of the local days [:f0, :f1] of the run's scope: every row of those days, or the tenant's own. */
const FOLDED_ROWS = `day BETWEEN :f0::date AND :f1::date
      AND (:tenant::varchar IS NULL OR (NOT is_global AND tenant_id = :tenant))`;

export const foldAiUsageDaysSql = {
  /** The run's scope's rows of the folded days removed: the set writes them again from the events. */
  clear: `DELETE FROM ${AI_USAGE_DAYS_TABLE} WHERE ${FOLDED_ROWS}`,

  /**
   * The AI events of the local days [:f0, :f1] summed per day and model, for the global view (every event) and per
   * tenant (events of no tenant count in the global view only), as the compute's bucket facts sum them
   * (bucket-facts.sql.ts). A one-tenant run (:tenant) writes that tenant's rows alone: the global view's depend on
   * every tenant.
   */
  set: (relations: SourceRelations) => `INSERT INTO ${AI_USAGE_DAYS_TABLE}
      (is_global, tenant_id, day, model, tokens, cost_usd, requests)
    SELECT is_global, tenant_id, day, model, tokens, cost_usd, requests FROM (
      SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, day, model,
             sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost_usd, count(*) AS requests
      FROM (SELECT tenant_id, ${LOCAL_DAY('occurred_at')} AS day, model, input_tokens, output_tokens, cost_usd
            FROM ${relations.from('ai')}
            WHERE occurred_at >= ${DAY_START(':f0::date')} AND occurred_at < ${DAY_START(':f1::date + 1')}
              AND ${TENANT_FILTER}) AS events
      GROUP BY GROUPING SETS ((tenant_id, day, model), (day, model))) AS summed
    WHERE (is_global AND :tenant::varchar IS NULL) OR (NOT is_global AND tenant_id IS NOT NULL)`,
};

/**
 * The AI usage of the local days [:w0, :w1] per bucket and model from the AI usage days, in the columns the bucket
 * facts read from the events (tenant_id, bucket_date, model, tokens, cost_usd, requests). `global`: the global view's
 * rows, summed without a tenant; `tenants`: the tenants' rows (of :tenant when set), which their grouping then sums
 * for the global view too, so a reader of every scope at once never takes them (the events of no tenant are missing).
 */
export function aiUsageFromDaysSql(bucket: (day: string) => string, scopes: 'global' | 'tenants'): string {
  const bucketDate = bucket('day');
  if (scopes === 'global') {
    return `SELECT NULL::varchar AS tenant_id, ${bucketDate} AS bucket_date, model,
          sum(tokens) AS tokens, sum(cost_usd) AS cost_usd, sum(requests) AS requests
        FROM ${AI_USAGE_DAYS_TABLE} WHERE is_global AND day BETWEEN :w0::date AND :w1::date
        GROUP BY 2, 3`;
  }
  return `SELECT tenant_id, ${bucketDate} AS bucket_date, model,
          sum(tokens) AS tokens, sum(cost_usd) AS cost_usd, sum(requests) AS requests
        FROM ${AI_USAGE_DAYS_TABLE} WHERE NOT is_global AND day BETWEEN :w0::date AND :w1::date AND ${TENANT_FILTER}
        GROUP BY 1, 2, 3`;
}
