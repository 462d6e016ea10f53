import type { SourceRelations } from './source-relations.js';
import { DAY_START, LOCAL_DAY } from './source-facts.js';
import { DATE_FIELD, SAME_TENANT, TENANT_FILTER, tenantFilterOf } from './sql-fragments.js';
import { USER_ACTIVITY_TABLE, lastDayFrom } from './user-activity.sql.js';
import { firstSignupsFromStateSql } from './user-lifecycle.sql.js';
import { STATE_SOURCES, markOf } from './dirty-marks.sql.js';

export const COHORT_CURVE_WEEKS = 26;
const MILESTONES = [1, 4, 12] as const;

/** The last local day of a member's curve: week 26 ends 188 days after the signup day (day 0). */
export const CURVE_LAST_DAY = 7 * (COHORT_CURVE_WEEKS + 1) - 1;

/**
 * Where the members' active weeks are read: the raw activity source, or the per-user activity state when it holds
 * every day a shown (matured) cell depends on (docs/performance.md, "Cohorts from the state").
 */
export type CohortActivity = 'activity' | 'state';

/**
 * Where the members (each user's first signup) are read: every signup of the lifecycle source, or the per-user
 * lifecycle state as of :lifecycle_at and the signups since (when the state is usable: same relation, no day waiting
 * to be recomputed).
 */
export type CohortMembers = 'lifecycle' | 'state';

/** Every user's first signup instant (tenant_id, user_id, signup_at), from where `members` says. */
function firstSignupsSql(rel: SourceRelations, members: CohortMembers): string {
  if (members === 'state') return firstSignupsFromStateSql(rel);
  return `SELECT tenant_id, user_id, min(occurred_at) AS signup_at
        FROM ${rel.from('lifecycle')} WHERE type = 'signup' AND ${TENANT_FILTER}
        GROUP BY tenant_id, user_id`;
}

/**
 * The members retained per tenant, month and week (tenant_id, cohort_month, week, retained) from the activity source:
 * each member's weeks with an event among the weeks its month computes, [m.from_week, m.to_week), read from every
 * event of the member on those weeks' days.
 */
function weekCountsFromActivitySql(rel: SourceRelations): string {
  return `
      SELECT tenant_id, cohort_month, week, count(*) AS retained FROM (
        SELECT DISTINCT m.tenant_id, m.user_id, m.cohort_month,
               (${LOCAL_DAY('a.occurred_at')} - m.signup_day) / 7 AS week
        FROM members m
        JOIN ${rel.from('activity', 'a')} ON a.user_id = m.user_id
          AND (a.tenant_id = m.tenant_id OR (a.tenant_id IS NULL AND m.tenant_id IS NULL))
        WHERE a.occurred_at >= ${DAY_START('m.signup_day + 7 * m.from_week')}
          AND a.occurred_at < ${DAY_START('m.signup_day + 7 * m.to_week')}) AS active_weeks
      GROUP BY tenant_id, cohort_month, week`;
}

/** The days of a curve, from the signup day (day 0) to the last day of its last week. */
const CURVE_DAYS = CURVE_LAST_DAY + 1;

/**
 * How a cohort statement finds its members' rows of the state: `hash` reads every row active since the earliest week
 * read and hashes them (a long run's many members: a backfill's 200,000), `probe` looks each member's rows up by the
 * state's unique key (a night's few thousand: at scale 1 the open month's ~7,000 members met 170,000 hashed rows, of
 * which 14 were read; the cohort statement ~260 → ~150 ms in psql, where probing a backfill's members took 3.7–4.1 s
 * against 3.2–3.4).
 */
export type CohortStateRows = 'hash' | 'probe';

/**
 * Each stale member's days of the curve as one bit string from the state: bit n set when the member was active n days
 * after their signup day. A yearly row's bits are shifted by the signup day's place in that year (to the right for the
 * row of the year after) and cut to the curve's days; a member whose curve crosses New Year has two rows, OR-ed. Only
 * the rows that overlap the weeks the member is read for are read, each member's rows once, found as `rows` says.
 * Reads the CTE `members`, and when hashing `earliest_week` (weekCountsFromStateSql).
 */
function memberDaysFromStateSql(rows: CohortStateRows): string {
  const firstDay = 'm.signup_day + 7 * m.from_week';
  const lastDay = 'm.signup_day + 7 * m.to_week - 1';
  const overlapping = `u.user_id = m.user_id
        AND u.year BETWEEN ${DATE_FIELD('year', firstDay)} AND ${DATE_FIELD('year', lastDay)}
        AND u.last_day >= ${firstDay} AND u.first_day <= ${lastDay}`;
  const memberRows =
    rows === 'probe'
      ? // Two probes of the unique key (a tenant's, and no tenant's): with an OR the key could not be used.
        `CROSS JOIN LATERAL (
        SELECT u.year, u.days FROM ${USER_ACTIVITY_TABLE} u WHERE u.tenant_id = m.tenant_id AND ${overlapping}
        UNION ALL
        SELECT u.year, u.days FROM ${USER_ACTIVITY_TABLE} u
        WHERE m.tenant_id IS NULL AND u.tenant_id IS NULL AND ${overlapping}) AS u`
      : `JOIN ${USER_ACTIVITY_TABLE} u ON (u.tenant_id = m.tenant_id OR (u.tenant_id IS NULL AND m.tenant_id IS NULL))
        AND ${overlapping}
      -- The bound of every member's at once (one value, earliest_week): the rows of users inactive since the earliest
      -- week read are left out before the join, where the nightly hashed every row of the state to match the members
      -- of the months with a matured week, whose weeks read are recent.
      WHERE ${lastDayFrom('u.', '(SELECT day FROM earliest_week)')}`;
  return `
      SELECT m.tenant_id, m.cohort_month,
             bit_or((u.days << (m.signup_day - make_date(u.year, 1, 1)))::bit(${CURVE_DAYS})) AS days
      FROM members m
      ${memberRows}
      GROUP BY m.tenant_id, m.user_id, m.cohort_month`;
}

/**
 * The members retained per tenant, month and week from the state (tenant_id, cohort_month, week, retained): week k
 * of a member is active when a bit of the days [7k, 7k + 6] after the signup is set (memberDaysFromStateSql). Each
 * bit is OR-ed with the six after it, so bit 7k tells week k; a tenant's month then sums those bits, one sum per week,
 * over its members. Weeks a member was not read for count too: a stale row keeps its own weeks from from_week on
 * (retained), and a week not yet shown is shown as null (curve).
 *
 * Where each member's week was a row of its own (3.1 million member-weeks in a scale-1 backfill, each tested against
 * the bits of the week, then grouped by tenant, month and week, and again by month and week), a member is one row.
 */
function weekCountsFromStateSql(rows: CohortStateRows): string {
  const weekStarts = Array.from({ length: 7 }, (_, shift) => (shift === 0 ? 'days' : `(days << ${shift})`));
  const weeks = Array.from({ length: COHORT_CURVE_WEEKS + 1 }, (_, week) => `sum(get_bit(weeks, ${7 * week}))`);
  const earliestWeek =
    rows === 'hash'
      ? `-- MATERIALIZED: computed once, where the bound's two uses each read every member.
      earliest_week AS MATERIALIZED (SELECT min(signup_day + 7 * from_week) AS day FROM members),
      `
      : '';
  return `
      WITH ${earliestWeek}member_days AS (${memberDaysFromStateSql(rows)}),
      -- OFFSET 0: computed once per member; merged into its reader, the expression was computed once per sum.
      member_weeks AS (SELECT tenant_id, cohort_month, ${weekStarts.join(' | ')} AS weeks FROM member_days OFFSET 0)
      SELECT tenant_id, cohort_month, (w.ordinal - 1)::int AS week, w.retained
      FROM (SELECT tenant_id, cohort_month, ARRAY[${weeks.join(', ')}] AS retained_by_week
            FROM member_weeks GROUP BY tenant_id, cohort_month) AS counted
      CROSS JOIN LATERAL unnest(retained_by_week) WITH ORDINALITY AS w(retained, ordinal)`;
}

/**
 * What a stored row's values depend on besides its members, their activity and its `as_of`: the timezone (local
 * days and week boundaries), the relations read, and this definition's version (bump it when the SQL below changes
 * a value). A row recorded with other inputs is recomputed.
 */
export const COHORT_DEFINITION_VERSION = 1;

export function cohortInputs(rel: SourceRelations, tz: string): string {
  return JSON.stringify({
    version: COHORT_DEFINITION_VERSION,
    tz,
    activity: rel.from('activity', 'a'),
    lifecycle: rel.from('lifecycle', 'l'),
  });
}

/** Week `week` of a cohort whose last member signed up on `lastSignup` is shown at `at`: it has ended for them. */
function weekShown(lastSignup: string, week: string, at: string): string {
  return `${DAY_START(`${lastSignup} + 7 * ${week} + 7`)} <= ${at}`;
}

/**
 * Whether a changed day lies in the days a stored row of `s` read while `shown` of its weeks were shown: its month
 * (the members' signups) up to the end of its last shown week.
 */
function changedDayUntil(shown: string): string {
  return `EXISTS (
          SELECT 1 FROM changed_days c
          WHERE c.day BETWEEN s.cohort_month
                          AND greatest((s.cohort_month + interval '1 month')::date - 1,
                                       s.last_signup_day + 7 * ${shown} - 1))`;
}

/** How many of weeks 0..26 of a cohort whose last member signed up on `lastSignup` are shown at the instant `at`. */
function shownWeeks(lastSignup: string, at: string): string {
  return `(SELECT count(*)::int FROM generate_series(0, ${COHORT_CURVE_WEEKS}) AS k(week)
             WHERE ${weekShown(lastSignup, 'k.week', at)})`;
}

/**
 * Monthly signup cohorts for cohort months [:c0, :c1], per tenant and global, upserted into
 * system_cohort_retention. Week N of a user is days [7N, 7N+6] after their own signup day (day 0); a week
 * is null until the window of the cohort's last-signing user has ended (metrics.md, "Cohort retention").
 *
 * Only the rows whose stored values could differ from a recompute are recomputed (`stale`, per month and scope: the
 * global view and each tenant; docs/performance.md, reader 3, states the rule and why it is exact): a row is recomputed
 * when it is missing or recorded with other inputs, when a week of it is shown at :as_of but not at its
 * `computed_as_of` (or the reverse), or when a day it read may have changed since: the run's own days [:changed_from,
 * :changed_to], a day marked dirty, or a day without a global daily snapshot (never computed, so never marked). The
 * days a row reads are its month (the members' signups) and those of its shown weeks, [month start, last signup + 7 ×
 * shown − 1]. :force recomputes every row. The members of every month are read (one pass over the signups, or the
 * lifecycle state and the signups since, `members`) to decide; only the members of a stale row are read for their
 * active weeks (its tenant's, and every member of a month whose global row is stale), and of those only the weeks
 * [from_week, to_week) of their stale rows are read from the source, or the state rows that overlap them (a state row
 * gives every week of a member at once; `retained` and `curve` leave the others out): to_week is the weeks the row
 * shows at :as_of (no later week is shown), and from_week is 0 when the row must be rewritten (missing, other inputs,
 * an as_of moved back, a changed day among the days it read) and otherwise the weeks it showed when it was computed:
 * the weeks before are kept from its stored curve (`kept_weeks`); a member with no week in [from_week, to_week) of any
 * of its stale rows (an open month's, none of whose weeks is shown yet) is not read at all. A month's tenants see their
 * weeks mature on different nights (their last signups fall on different weekdays): decided per month, each night
 * recomputed the months of any tenant with a matured week, for all their members (7 of 8 months at scale 1); per row, a
 * tenant's members are read on the nights its own weeks mature, and all of a month's on the global view's.
 * `changed_days` is MATERIALIZED so that it is computed once, not per month and scope tested; `members` so that
 * the active weeks join a computed set (as when it had two readers).
 * A stored row of the run's scopes and months whose scope has no member any more (a late earlier signup moved its
 * only members to another month) is deleted (`emptied`): a recompute writes no row for it. `stateRows`: how the members'
 * rows of the activity state are found (CohortStateRows).
 */
export function cohortsUpsertSql(
  rel: SourceRelations,
  activeWeeks: CohortActivity = 'activity',
  members: CohortMembers = 'lifecycle',
  stateRows: CohortStateRows = 'hash',
): string {
  const inScope = `((is_global AND :tenant::varchar IS NULL) OR (NOT is_global AND tenant_id IS NOT NULL))`;
  const milestoneColumns = MILESTONES.map(
    (week) => `max(retained) FILTER (WHERE week = ${week}) AS week_${week}_retained,
        max(pct) FILTER (WHERE week = ${week}) AS week_${week}_pct`,
  ).join(',\n        ');
  const milestoneNames = MILESTONES.flatMap((week) => [`week_${week}_retained`, `week_${week}_pct`]);
  const today = `(:as_of::timestamptz AT TIME ZONE :tz)::date`;

  return `WITH all_members AS (
      SELECT tenant_id, user_id, signup_day, date_trunc('month', signup_day)::date AS cohort_month FROM (
        SELECT tenant_id, user_id, ${LOCAL_DAY('signup_at')} AS signup_day
        FROM (${firstSignupsSql(rel, members)}) AS first_signups) AS signups
      WHERE signup_day >= :c0::date AND signup_day < (:c1::date + interval '1 month')),
    all_sizes AS (
      SELECT * FROM (
        SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, cohort_month,
               count(*) AS cohort_size, max(signup_day) AS last_signup_day
        FROM all_members GROUP BY GROUPING SETS ((tenant_id, cohort_month), (cohort_month))) AS grouped
      WHERE ${inScope}),
    changed_days AS MATERIALIZED (
      SELECT d::date AS day FROM generate_series(:changed_from::date, :changed_to::date, interval '1 day') AS d
      UNION ALL
      SELECT day FROM metrics_dirty_day WHERE ${markOf(STATE_SOURCES.cohorts)}
      UNION ALL
      SELECT d::date FROM generate_series(:c0::date, greatest(:changed_to::date, ${today} - 1), interval '1 day') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM system_metrics_snapshot x
        WHERE x.environment = :env AND x.bucket_type = 'daily' AND x.tenant_id IS NULL AND x.bucket_date = d::date)),
    scope_rows AS (
      SELECT s.is_global, s.tenant_id, s.cohort_month, w.now_shown, w.then_shown,
             :force::boolean OR r.computed_inputs IS DISTINCT FROM :inputs::text OR w.then_shown > w.now_shown
               OR ${changedDayUntil('w.then_shown')} AS rewrite,
             w.now_shown <> w.then_shown OR ${changedDayUntil('w.now_shown')} AS stale
      FROM all_sizes s
      LEFT JOIN system_cohort_retention r ON r.environment = :env AND r.cohort_month = s.cohort_month
        AND ${SAME_TENANT('r', 's')}
      CROSS JOIN LATERAL (SELECT ${shownWeeks('s.last_signup_day', ':as_of::timestamptz')} AS now_shown,
                                 ${shownWeeks('s.last_signup_day', 'r.computed_as_of')} AS then_shown) AS w),
    stale AS (
      SELECT is_global, tenant_id, cohort_month, CASE WHEN rewrite THEN 0 ELSE then_shown END AS from_week,
             now_shown AS to_week
      FROM scope_rows WHERE stale OR rewrite),
    emptied AS (
      DELETE FROM system_cohort_retention r
      WHERE r.environment = :env AND r.cohort_month BETWEEN :c0::date AND :c1::date
        AND ${tenantFilterOf('r')}
        AND NOT EXISTS (SELECT 1 FROM all_sizes s
                        WHERE s.cohort_month = r.cohort_month AND ${SAME_TENANT('s', 'r')})),
    members AS MATERIALIZED (
      SELECT m.*, least(t.from_week, g.from_week) AS from_week, greatest(t.to_week, g.to_week) AS to_week
      FROM all_members m
      LEFT JOIN stale t ON NOT t.is_global AND t.tenant_id = m.tenant_id AND t.cohort_month = m.cohort_month
      LEFT JOIN stale g ON g.is_global AND g.cohort_month = m.cohort_month
      -- A member whose stale rows show no week yet (an open month's, its last signup under a week ago) reads none.
      WHERE (t.cohort_month IS NOT NULL OR g.cohort_month IS NOT NULL)
        AND greatest(t.to_week, g.to_week) > least(t.from_week, g.from_week)),
    tenant_weeks AS (${activeWeeks === 'state' ? weekCountsFromStateSql(stateRows) : weekCountsFromActivitySql(rel)}),
    sizes AS (
      SELECT s.* FROM all_sizes s
      JOIN stale st ON st.is_global = s.is_global AND ${SAME_TENANT('st', 's')} AND st.cohort_month = s.cohort_month),
    kept_weeks AS (
      SELECT st.is_global, st.tenant_id, st.cohort_month, (cell ->> 'week')::int AS week,
             (cell ->> 'retained')::bigint AS retained
      FROM stale st
      JOIN system_cohort_retention r ON r.environment = :env AND r.cohort_month = st.cohort_month
        AND ${SAME_TENANT('r', 'st')}
      CROSS JOIN LATERAL jsonb_array_elements(r.curve) AS cell
      WHERE (cell ->> 'week')::int < st.from_week),
    counted_weeks AS (
      SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, cohort_month, week, sum(retained)::bigint AS retained
      FROM tenant_weeks GROUP BY GROUPING SETS ((tenant_id, cohort_month, week), (cohort_month, week))),
    retained AS (
      -- A scope's weeks from its own first week read on: a member may have been read from an earlier week for the
      -- other scope it belongs to (its tenant's or the global view's), and a scope read in part (the global view of a
      -- month with a stale tenant only) has no stale row to join.
      SELECT c.* FROM counted_weeks c
      JOIN stale st ON st.is_global = c.is_global AND ${SAME_TENANT('st', 'c')} AND st.cohort_month = c.cohort_month
      WHERE c.week >= st.from_week
      UNION ALL
      SELECT * FROM kept_weeks),
    curve AS (
      SELECT s.is_global, s.tenant_id, s.cohort_month, s.cohort_size, w.week, matured.retained,
             round(matured.retained * 100.0 / s.cohort_size, 2) AS pct
      FROM sizes s
      CROSS JOIN generate_series(0, ${COHORT_CURVE_WEEKS}) AS w(week)
      LEFT JOIN retained r ON r.is_global = s.is_global AND ${SAME_TENANT('r', 's')}
        AND r.cohort_month = s.cohort_month AND r.week = w.week
      CROSS JOIN LATERAL (
        SELECT CASE WHEN ${weekShown('s.last_signup_day', 'w.week', ':as_of::timestamptz')}
                    THEN coalesce(r.retained, 0) END AS retained) AS matured)
    INSERT INTO system_cohort_retention
      (environment, tenant_id, cohort_month, cohort_size, ${milestoneNames.join(', ')}, curve, computed_at,
       computed_as_of, computed_inputs)
    SELECT :env::varchar, tenant_id, cohort_month, cohort_size, ${milestoneNames.join(', ')}, curve, now(),
           :as_of::timestamptz, :inputs::text FROM (
      SELECT tenant_id, cohort_month, max(cohort_size) AS cohort_size,
        ${milestoneColumns},
        jsonb_agg(jsonb_build_object('week', week, 'retained', retained, 'pct', pct) ORDER BY week) AS curve
      FROM curve GROUP BY is_global, tenant_id, cohort_month) AS cohorts
    ON CONFLICT ON CONSTRAINT system_cohort_retention_key DO UPDATE SET
      cohort_size = EXCLUDED.cohort_size, ${milestoneNames.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
      curve = EXCLUDED.curve, computed_at = EXCLUDED.computed_at, computed_as_of = EXCLUDED.computed_as_of,
      computed_inputs = EXCLUDED.computed_inputs`;
}
