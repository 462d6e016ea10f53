import type { SourceRelations } from './source-relations.js';
import { DAY_START, LOCAL_DAY } from './source-facts.js';
import { TENANT_FILTER } from './sql-fragments.js';
import { USER_ACTIVITY_TABLE, rangeMask } from './user-activity.sql.js';

export const COHORT_CURVE_WEEKS = 26;
const MILESTONES = [1, 4, 12] as const;

/** The last local day of a member's curve: week 26 ends 188 days after the signup day (day 0). */
export const CURVE_LAST_DAY = 7 * (COHORT_CURVE_WEEKS + 1) - 1;

/**
 * Where the members' active weeks are read: the raw activity source, or the per-user activity state when it holds
 * every day a shown (matured) cell depends on (docs/performance.md, "Cohorts from the state").
 */
export type CohortActivity = 'activity' | 'state';

/** Each member's weeks with an event, from the activity source: every event of the member's first 27 weeks. */
function activeWeeksFromActivitySql(rel: SourceRelations): string {
  return `
      SELECT DISTINCT m.tenant_id, m.user_id, m.cohort_month,
             (${LOCAL_DAY('a.occurred_at')} - m.signup_day) / 7 AS week
      FROM members m
      JOIN ${rel.from('activity', 'a')} ON a.user_id = m.user_id
        AND (a.tenant_id = m.tenant_id OR (a.tenant_id IS NULL AND m.tenant_id IS NULL))
      WHERE a.occurred_at >= ${DAY_START('m.signup_day')}
        AND a.occurred_at < ${DAY_START(`m.signup_day + ${CURVE_LAST_DAY + 1}`)}`;
}

/**
 * The same weeks from the state: week k of a member is active when a bit of the days [signup + 7k, signup + 7k + 6]
 * is set in one of the member's yearly rows (at most two: a curve spans at most one New Year). Reads the members'
 * state rows, never an event. Only weeks that overlap a row's active days [first_day, last_day] are tested, which
 * also keeps each mask inside the row's year.
 */
function activeWeeksFromStateSql(): string {
  const weekStart = `m.signup_day + 7 * w.week`;
  return `
      SELECT DISTINCT m.tenant_id, m.user_id, m.cohort_month, w.week
      FROM members m
      JOIN ${USER_ACTIVITY_TABLE} u ON u.user_id = m.user_id
        AND (u.tenant_id = m.tenant_id OR (u.tenant_id IS NULL AND m.tenant_id IS NULL))
        AND u.year BETWEEN extract(year FROM m.signup_day)::int
                       AND extract(year FROM m.signup_day + ${CURVE_LAST_DAY})::int
        AND u.last_day >= m.signup_day AND u.first_day <= m.signup_day + ${CURVE_LAST_DAY}
      CROSS JOIN generate_series(0, ${COHORT_CURVE_WEEKS}) AS w(week)
      WHERE ${weekStart} <= u.last_day AND ${weekStart} + 6 >= u.first_day
        AND bit_count(u.days & ${rangeMask('u.year', weekStart, `${weekStart} + 6`)}) > 0`;
}

/**
 * Monthly signup cohorts for cohort months [:c0, :c1], per tenant and global, upserted into
 * system_cohort_retention. Week N of a user is days [7N, 7N+6] after their own signup day (day 0); a week
 * is null until the window of the cohort's last-signing user has ended (metrics.md, "Cohort retention").
 */
export function cohortsUpsertSql(rel: SourceRelations, activeWeeks: CohortActivity = 'activity'): string {
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
    active_weeks AS (${activeWeeks === 'state' ? activeWeeksFromStateSql() : activeWeeksFromActivitySql(rel)}),
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
