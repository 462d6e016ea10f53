import type { SourceRelations } from './source-relations.js';
import { DAY_START, LOCAL_DAY } from './source-facts.js';
import { TENANT_FILTER } from './sql-fragments.js';

export const COHORT_CURVE_WEEKS = 26;
const MILESTONES = [1, 4, 12] as const;

/**
 * Monthly signup cohorts for cohort months [:c0, :c1], per tenant and global, upserted into
 * system_cohort_retention. Week N of a user is days [7N, 7N+6] after their own signup day (day 0); a week
 * is null until the window of the cohort's last-signing user has ended (metrics.md, "Cohort retention").
 */
export function cohortsUpsertSql(rel: SourceRelations): string {
  const inScope = `((is_global AND :tenant::varchar IS NULL) OR (NOT is_global AND tenant_id IS NOT NULL))`;
  const milestoneColumns = MILESTONES.map(
    (week) => `max(retained) FILTER (WHERE week = ${week}) AS week_${week}_retained,
        max(pct) FILTER (WHERE week = ${week}) AS week_${week}_pct`,
  ).join(',\n        ');
  const milestoneNames = MILESTONES.flatMap((week) => [`week_${week}_retained`, `week_${week}_pct`]);

  return `WITH members AS (
      SELECT tenant_id, user_id, signup_day, date_trunc('month', signup_day)::date AS cohort_month FROM (
        SELECT tenant_id, user_id, ${LOCAL_DAY('min(occurred_at)')} AS signup_day
        FROM ${rel.from('lifecycle')} WHERE type = 'signup' AND ${TENANT_FILTER}
        GROUP BY tenant_id, user_id) AS signups
      WHERE signup_day >= :c0::date AND signup_day < (:c1::date + interval '1 month')),
    active_weeks AS (
      SELECT DISTINCT m.tenant_id, m.user_id, m.cohort_month,
             (${LOCAL_DAY('a.occurred_at')} - m.signup_day) / 7 AS week
      FROM members m
      JOIN ${rel.from('activity', 'a')} ON a.user_id = m.user_id
        AND (a.tenant_id = m.tenant_id OR (a.tenant_id IS NULL AND m.tenant_id IS NULL))
      WHERE a.occurred_at >= ${DAY_START('m.signup_day')}
        AND a.occurred_at < ${DAY_START(`m.signup_day + ${7 * (COHORT_CURVE_WEEKS + 1)}`)}),
    sizes AS (
      SELECT * FROM (
        SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, cohort_month,
               count(*) AS cohort_size, max(signup_day) AS last_signup_day
        FROM members GROUP BY GROUPING SETS ((tenant_id, cohort_month), (cohort_month))) AS grouped
      WHERE ${inScope}),
    retained AS (
      SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, cohort_month, week, count(*) AS retained
      FROM active_weeks GROUP BY GROUPING SETS ((tenant_id, cohort_month, week), (cohort_month, week))),
    curve AS (
      SELECT s.is_global, s.tenant_id, s.cohort_month, s.cohort_size, w.week, matured.retained,
             round(matured.retained * 100.0 / s.cohort_size, 2) AS pct
      FROM sizes s
      CROSS JOIN generate_series(0, ${COHORT_CURVE_WEEKS}) AS w(week)
      LEFT JOIN retained r ON r.is_global = s.is_global AND r.tenant_id IS NOT DISTINCT FROM s.tenant_id
        AND r.cohort_month = s.cohort_month AND r.week = w.week
      CROSS JOIN LATERAL (
        SELECT CASE WHEN ${DAY_START('s.last_signup_day + 7 * w.week + 7')} <= :as_of::timestamptz
                    THEN coalesce(r.retained, 0) END AS retained) AS matured)
    INSERT INTO system_cohort_retention
      (environment, tenant_id, cohort_month, cohort_size, ${milestoneNames.join(', ')}, curve, computed_at)
    SELECT :env::varchar, tenant_id, cohort_month, cohort_size, ${milestoneNames.join(', ')}, curve, now() FROM (
      SELECT tenant_id, cohort_month, max(cohort_size) AS cohort_size,
        ${milestoneColumns},
        jsonb_agg(jsonb_build_object('week', week, 'retained', retained, 'pct', pct) ORDER BY week) AS curve
      FROM curve GROUP BY is_global, tenant_id, cohort_month) AS cohorts
    ON CONFLICT ON CONSTRAINT system_cohort_retention_key DO UPDATE SET
      cohort_size = EXCLUDED.cohort_size, ${milestoneNames.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
      curve = EXCLUDED.curve, computed_at = EXCLUDED.computed_at`;
}
