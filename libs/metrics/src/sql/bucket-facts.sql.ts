import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import type { RollupBucket } from './bucket-dates.js';
import type { SourceRelations } from './source-relations.js';
import { billingBucketFacts, type LedgerRows } from './billing-facts.js';
import { KEY_ACTIONS_IN_WORK_RANGE, LOCAL_DAY, WORK_START, sourceCtes } from './source-facts.js';
import { stateActiveUsersSql } from './user-activity.sql.js';
import { aiUsageFromDaysSql } from './ai-usage-days.sql.js';
import { BUCKET_FIRST_USERS } from './daily-work.sql.js';
import { SAME_TENANT, TENANT_FILTER } from './sql-fragments.js';
import { keyActionDaysUsersSql, keyActionGlobalUsersSql, keyActionTenantDaysUsersSql } from './key-action-days.sql.js';

/**
 * Where a bucket's `active_users` fact (distinct users active in the bucket) is counted: from the user-days of the
 * activity source (`user-days`), from the per-user activity state (`state`: one bucket spanning [:w0, :w1]), from
 * the work table's days (`workFirsts`: each ISO week or month a run writes, the sum of its days' users that are their
 * user's first in it, BUCKET_FIRST_USERS), or `none` when no metric reads it for that bucket.
 */
export type ActiveUsersFact = 'user-days' | 'state' | 'none' | { workFirsts: 'weekly' | 'monthly' };

/**
 * Where a bucket's users per key action are counted: from the activation source's events (a hash of every
 * (tenant, action, user) of the bucket), or from the key-action days (`state`, key-action-days.sql.ts), which must
 * hold every day of [:w0, :w1] exactly; `global-range`: one bucket spanning [:w0, :w1] in the global view only, from
 * the key-action days' global counts (held exactly with them); `tenantDays`: each day, ISO week or month, from the
 * key-action days' tenant counts (held exactly with them).
 */
export type KeyActionUsers = 'events' | 'state' | 'global-range' | { tenantDays: 'daily' | 'weekly' | 'monthly' };

/**
 * Whether a catalog metric reads the `active_users` bucket fact in a bucket: WAU's ISO week and MAU's month
 * (`bucket_distinct`). A day or a range rolls them up otherwise (the day's value, the range's last), so counting
 * the distinct users of those buckets would be work whose result nobody reads.
 */
export function activeUsersReadIn(bucket: RollupBucket): boolean {
  return METRIC_CATALOG.some((metric) => {
    if ('bucketFact' in metric.daily) return metric.daily.bucketFact === 'active_users';
    return metric.bucketFact === 'active_users' && bucket !== 'daily' && metric.rollup?.[bucket] === 'bucket_distinct';
  });
}

/** How a statement's bucket facts are counted (bucketFactsCtes); every option has the compute's default. */
export interface BucketFactOptions {
  /** The chunk's user-day counts, already built (userDayCountsSql); without it the activity source is read. */
  userDayCounts?: string;
  /** Where a bucket's distinct active users come from. */
  activeUsers?: ActiveUsersFact;
  /** `moving`: NRR's movements from the customers with a ledger row in [:w0, :w1] only (billing-facts.ts). */
  ledger?: LedgerRows;
  /** Where users per key action are counted: the activation source's events, or the key-action days (state). */
  keyActions?: KeyActionUsers;
  /**
   * Where AI usage per model is summed: the AI source's events, or the AI usage days (`days`, ai-usage-days.sql.ts),
   * which must hold every day of [:w0, :w1] exactly; with `all` scopes, for one tenant (:tenant) only.
   */
  aiUsage?: 'events' | 'days';
  /**
   * `all`: the global view and every tenant (as :tenant narrows the sources); `global`: the global view alone, for a
   * reader that keeps nothing else (a global summary): no fact is grouped by tenant only to be left out.
   */
  scopes?: 'all' | 'global';
}

/**
 * Facts that only exist per bucket, because distinct users do not add up across days: active users in
 * the bucket, users per key action (the activation breakdown) and AI usage per model.
 * `bucket` maps a local date column to its bucket_date (the day itself, its ISO Monday, the 1st, …).
 *
 * Returned as named CTEs for a statement's WITH list; the last one, `bucket_facts`, has the output: is_global,
 * tenant_id, bucket_date, facts (jsonb: fact → value), activation_breakdown, ai_breakdown.
 */
export function bucketFactsCtes(
  relations: SourceRelations,
  enabled: ReadonlySet<string>,
  bucket: (day: string) => string,
  options: BucketFactOptions = {},
): string[] {
  const {
    userDayCounts,
    activeUsers = 'user-days',
    ledger = 'history',
    keyActions = 'events',
    scopes = 'all',
    aiUsage = 'events',
  } = options;
  // The global view alone: the AI events summed by bucket and model, without a tenant.
  const aiTenant = scopes === 'global' ? 'NULL::varchar AS tenant_id' : 'tenant_id';
  const aiUsageRows = !enabled.has('ai')
    ? `SELECT NULL::varchar AS tenant_id, NULL::date AS bucket_date, NULL::text AS model,
          NULL::bigint AS tokens, NULL::numeric AS cost_usd, NULL::bigint AS requests WHERE false`
    : aiUsage === 'days'
      ? aiUsageFromDaysSql(bucket, scopes === 'global' ? 'global' : 'tenants')
      : `SELECT ${aiTenant}, ${bucket(LOCAL_DAY('occurred_at'))} AS bucket_date, model,
          sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost_usd, count(*) AS requests
        FROM ${relations.from('ai')}
        WHERE occurred_at >= ${WORK_START} AND occurred_at < ((:w1::date + 1)::timestamp AT TIME ZONE :tz)
          AND ${TENANT_FILTER}
        GROUP BY ${scopes === 'global' ? '2, 3' : '1, 2, 3'}`;

  // The first branch of the UNION names its columns (and types them): any of the others may be left out.
  const counts = [
    `SELECT NULL::varchar AS tenant_id, NULL::date AS bucket_date, NULL::text AS fact, NULL::bigint AS value
      WHERE false`,
  ];
  if (enabled.has('activity') && activeUsers === 'state') {
    counts.push(stateActiveUsersSql(':w0::date', ':w1::date', bucket(':w0::date')));
  }
  if (enabled.has('activity') && activeUsers === 'user-days') {
    if (userDayCounts)
      throw new Error(
        "with user-day counts built, a bucket's active users are summed from the work table (workFirsts)",
      );
    // Each (tenant, bucket, user) once, then counted: a hash of the user-days, where `count(DISTINCT user_id)` per
    // group sorted them by tenant and bucket and then each group's users (string sorts in the database's collation).
    counts.push(`SELECT tenant_id, bucket_date, 'active_users' AS fact, count(*) AS value
      FROM (SELECT DISTINCT tenant_id, ${bucket('day')} AS bucket_date, user_id
            FROM user_days WHERE day >= :w0::date) AS bucket_users
      GROUP BY 1, 2`);
  }
  if (enabled.has('activation') && keyActions === 'state') counts.push(keyActionDaysUsersSql(bucket));
  if (enabled.has('activation') && typeof keyActions === 'object') {
    counts.push(keyActionTenantDaysUsersSql(keyActions.tenantDays));
  }
  if (enabled.has('activation') && keyActions === 'global-range') {
    counts.push(keyActionGlobalUsersSql(bucket(':w0::date')));
  }
  if (enabled.has('activation') && keyActions === 'events') {
    // Users per key action, each (tenant, bucket, action, user) once and then counted, like the active users.
    counts.push(`SELECT tenant_id, bucket_date, 'action:' || action, count(*)
      FROM (SELECT DISTINCT tenant_id, ${bucket(LOCAL_DAY('occurred_at'))} AS bucket_date, action, user_id
            FROM ${KEY_ACTIONS_IN_WORK_RANGE} AND occurred_at >= ${WORK_START}) AS bucket_actors
      GROUP BY 1, 2, 3`);
  }
  if (enabled.has('billing')) counts.push(...billingBucketFacts(bucket));

  const inScope = `((is_global AND :tenant::varchar IS NULL) OR (NOT is_global AND tenant_id IS NOT NULL))`;
  // Each fact summed for the global view and (scopes `all`) per tenant: GROUPING SETS, then the scopes kept.
  const scoped = (columns: string, sums: string, from: string) =>
    scopes === 'global'
      ? `SELECT true AS is_global, NULL::varchar AS tenant_id, ${columns}, ${sums} FROM ${from} GROUP BY ${columns}`
      : `SELECT * FROM (
        SELECT grouping(tenant_id) = 1 AS is_global, tenant_id, ${columns}, ${sums}
        FROM ${from} GROUP BY GROUPING SETS ((tenant_id, ${columns}), (${columns}))) AS grouped
      WHERE ${inScope}`;
  return [
    ...sourceCtes(relations, userDayCounts, ledger),
    `bucket_counts AS (${counts.join('\nUNION ALL\n')})`,
    `scoped_counts AS (${scoped('bucket_date, fact', 'sum(value) AS value', 'bucket_counts')}${workFirstsOf(enabled, bucket, activeUsers)})`,
    `count_facts AS (
      SELECT is_global, tenant_id, bucket_date,
        jsonb_object_agg(fact, value) AS facts,
        jsonb_object_agg(substr(fact, 8), value) FILTER (WHERE fact LIKE 'action:%') AS activation_breakdown
      FROM scoped_counts GROUP BY 1, 2, 3)`,
    `ai_usage AS (${aiUsageRows})`,
    `scoped_ai AS (${scoped(
      'bucket_date, model',
      'sum(tokens) AS tokens, sum(cost_usd) AS cost_usd, sum(requests) AS requests',
      'ai_usage',
    )})`,
    `ai_facts AS (
      SELECT is_global, tenant_id, bucket_date,
        jsonb_object_agg(model, jsonb_build_object(
          'tokens', tokens, 'cost_usd', round(cost_usd, 4), 'requests', requests)) AS ai_breakdown,
        sum(cost_usd) AS ai_cost
      FROM scoped_ai GROUP BY 1, 2, 3)`,
    `bucket_facts AS (
      SELECT coalesce(c.is_global, a.is_global) AS is_global, coalesce(c.tenant_id, a.tenant_id) AS tenant_id,
             coalesce(c.bucket_date, a.bucket_date) AS bucket_date,
             -- The bucket's AI cost unrounded, a fact for a range's ai_cost_usd (its stored days are rounded).
             coalesce(c.facts, '{}'::jsonb) || jsonb_build_object('ai_cost_usd_exact', a.ai_cost) AS facts,
             c.activation_breakdown, a.ai_breakdown
      FROM count_facts c
      FULL JOIN ai_facts a ON a.is_global = c.is_global AND ${SAME_TENANT('a', 'c')}
        AND a.bucket_date = c.bucket_date)`,
  ];
}

/**
 * A week's or month's distinct active users, per scope, from the work table (`workFirsts`): a user counts once in a
 * bucket, on their first active day in it, whose previous active day lies before the bucket. The work table's rows
 * are already scoped (every tenant and the global view, which alone counts users of no tenant), so these are added
 * to the scoped counts as they are. A day's count is exact when its user-days reach 30 days back: a run's user-days
 * do from :w0 on (the first bucket written starts there), and so did those of each stored day a run restores (a
 * one-day run's own users take their previous day from the state's last 30 days: windowChangesUserDaysSql). A sum
 * over the bucket's days, where a one-day run counted the bucket's users from the state, reading every user active
 * in the month (docs/performance.md).
 */
function workFirstsOf(enabled: ReadonlySet<string>, bucket: (day: string) => string, activeUsers: ActiveUsersFact) {
  if (!enabled.has('activity') || typeof activeUsers !== 'object') return '';
  return `
      UNION ALL
      SELECT is_global, tenant_id, ${bucket('day')}, 'active_users', sum(${BUCKET_FIRST_USERS[activeUsers.workFirsts]})
      FROM metrics_work WHERE day BETWEEN :w0::date AND :w1::date
      GROUP BY 1, 2, 3`;
}
