import type { SourceName } from '../metrics.options.js';
import type { SourceRelations } from './source-relations.js';
import { BILLING_FACTS, billingCtes, billingFactSubqueries } from './billing-facts.js';
import { EVE, LOCAL_DAY, TENANT_FILTER, WINDOW_START, WORK_END, WORK_START } from './sql-fragments.js';

/**
 * Per-day facts of each source, as SQL over the source relations: every subquery yields
 * (tenant_id, day, <its facts>) with `day` a local date in the reporting timezone.
 *
 * Facts that feed running totals (stocks) read the whole history: everything before the work range is
 * folded into its eve (:w0 - 1), so the running total starts from the right base in one pass.
 * Parameters: :tz, :tenant, :w0, :w1 (the work range), :actions (configured key actions), and billing's
 * :currency and :rates (see billing-facts.ts).
 */
export interface FactDefinition {
  sqlType: 'bigint' | 'numeric' | 'bigint[]';
}

export const FACTS: Record<string, FactDefinition> = {
  signups: { sqlType: 'bigint' },
  deactivations: { sqlType: 'bigint' },
  reactivations: { sqlType: 'bigint' },
  active_delta: { sqlType: 'bigint' },
  trials_started: { sqlType: 'bigint' },
  trials_converted: { sqlType: 'bigint' },
  active_users: { sqlType: 'bigint' },
  wau_delta: { sqlType: 'bigint' },
  mau_delta: { sqlType: 'bigint' },
  first_key_actions: { sqlType: 'bigint' },
  signups_activated_7d: { sqlType: 'bigint' },
  jobs_total: { sqlType: 'bigint' },
  jobs_succeeded: { sqlType: 'bigint' },
  jobs_failed: { sqlType: 'bigint' },
  jobs_duration_sum_sec: { sqlType: 'numeric' },
  ai_tokens: { sqlType: 'bigint' },
  ai_cost_usd: { sqlType: 'numeric' },
  api_requests: { sqlType: 'bigint' },
  api_server_errors: { sqlType: 'bigint' },
  api_client_errors: { sqlType: 'bigint' },
  api_latency_sum_ms: { sqlType: 'numeric' },
  api_latency_histogram: { sqlType: 'bigint[]' },
  ...Object.fromEntries(Object.entries(BILLING_FACTS).map(([fact, sqlType]) => [fact, { sqlType }])),
};

export { DAY_START, EVE, LOCAL_DAY, TENANT_FILTER, WINDOW_START, WORK_END, WORK_START } from './sql-fragments.js';

/**
 * Each user's active days (local dates) from 29 days before the work range to its end: what DAU, the rolling
 * windows and the bucket distinct counts read. A computation materialises it once per chunk (`userDays` names
 * that table) so the daily work and every bucket's facts share one pass over the activity source.
 */
export function userDaysSql(rel: SourceRelations): string {
  return `SELECT DISTINCT tenant_id, user_id, ${LOCAL_DAY('occurred_at')} AS day
      FROM ${rel.from('activity')} WHERE occurred_at >= ${WINDOW_START} AND occurred_at < ${WORK_END} AND ${TENANT_FILTER}`;
}

/** Helper CTEs shared by several fact subqueries. */
export function sourceCtes(rel: SourceRelations, userDays?: string): string[] {
  return [
    `lifecycle_events AS (
      SELECT tenant_id, user_id, type, occurred_at, ${LOCAL_DAY('occurred_at')} AS day
      FROM ${rel.from('lifecycle')} WHERE occurred_at < ${WORK_END} AND ${TENANT_FILTER})`,
    `first_signups AS (
      SELECT tenant_id, user_id, min(occurred_at) AS signup_at
      FROM lifecycle_events WHERE type = 'signup' GROUP BY tenant_id, user_id)`,
    `user_days AS (${userDays ? `SELECT tenant_id, user_id, day FROM ${userDays}` : userDaysSql(rel)})`,
    `key_actions AS (
      SELECT tenant_id, user_id, action, occurred_at
      FROM ${rel.from('activation')} WHERE action = ANY(:actions::text[]) AND occurred_at < ${WORK_END} AND ${TENANT_FILTER})`,
    activityGapsCte,
    ...billingCtes(),
  ];
}

/**
 * Users active on at least one day of a rolling window of `days` days, as +1/−1 changes per day: a user's
 * active days that lie within `days` of each other form one covered interval [first, last + days − 1], so
 * counting open intervals gives the distinct count in one pass. An interval opens on an active day whose
 * previous active day is more than `days` before (or absent) and closes `days` after an active day whose next
 * one is more than `days` after (or absent); `activity_gaps` gives every user-day both neighbours in one sort,
 * shared by all windows.
 */
const activityGapsCte = `activity_gaps AS (
      SELECT tenant_id, day,
             day - lag(day) OVER by_user AS days_since_previous, lead(day) OVER by_user - day AS days_to_next
      FROM user_days WINDOW by_user AS (PARTITION BY tenant_id, user_id ORDER BY day))`;

function rollingWindowDeltas(days: number, fact: string): string {
  return `SELECT tenant_id, day, sum(delta) AS ${fact} FROM (
      SELECT tenant_id, greatest(day, ${EVE}) AS day, 1 AS delta FROM activity_gaps
      WHERE coalesce(days_since_previous > ${days}, true)
      UNION ALL
      SELECT tenant_id, greatest(day + ${days}, ${EVE}), -1 FROM activity_gaps
      WHERE coalesce(days_to_next > ${days}, true) AND day + ${days} <= :w1::date
    ) AS changes GROUP BY tenant_id, day`;
}

/** Each source's fact subqueries, keyed by the source that must be enabled for them to count. */
export function factSubqueries(
  rel: SourceRelations,
): { source: SourceName | 'billing'; facts: string[]; sql: string }[] {
  return [
    ...billingFactSubqueries().map((subquery) => ({ source: 'billing' as const, ...subquery })),
    {
      source: 'lifecycle',
      facts: ['signups', 'deactivations', 'reactivations', 'active_delta'],
      sql: `SELECT tenant_id, greatest(day, ${EVE}) AS day,
          count(*) FILTER (WHERE type = 'signup') AS signups,
          count(*) FILTER (WHERE type = 'deactivate') AS deactivations,
          count(*) FILTER (WHERE type = 'reactivate') AS reactivations,
          sum(CASE WHEN active_after AND NOT active_before THEN 1
                   WHEN active_before AND NOT active_after THEN -1 ELSE 0 END) AS active_delta
        FROM (
          SELECT tenant_id, day, type, type IN ('signup', 'reactivate') AS active_after,
                 coalesce(lag(type IN ('signup', 'reactivate'))
                   OVER (PARTITION BY tenant_id, user_id ORDER BY occurred_at), false) AS active_before
          FROM lifecycle_events WHERE type IN ('signup', 'deactivate', 'reactivate')) AS transitions
        GROUP BY 1, 2`,
    },
    {
      source: 'lifecycle',
      facts: ['trials_started', 'trials_converted'],
      sql: `SELECT tenant_id, day,
          count(*) FILTER (WHERE type = 'trial_started') AS trials_started,
          count(*) FILTER (WHERE type = 'trial_converted') AS trials_converted
        FROM lifecycle_events WHERE type IN ('trial_started', 'trial_converted') AND day >= :w0::date
        GROUP BY 1, 2`,
    },
    {
      source: 'activity',
      facts: ['active_users'],
      sql: `SELECT tenant_id, day, count(*) AS active_users FROM user_days WHERE day >= :w0::date GROUP BY 1, 2`,
    },
    { source: 'activity', facts: ['wau_delta'], sql: rollingWindowDeltas(7, 'wau_delta') },
    { source: 'activity', facts: ['mau_delta'], sql: rollingWindowDeltas(30, 'mau_delta') },
    {
      source: 'activation',
      facts: ['first_key_actions'],
      sql: `SELECT tenant_id, ${LOCAL_DAY('first_at')} AS day, count(*) AS first_key_actions
        FROM (SELECT tenant_id, user_id, min(occurred_at) AS first_at FROM key_actions GROUP BY 1, 2) AS firsts
        WHERE first_at >= ${WORK_START} GROUP BY 1, 2`,
    },
    {
      source: 'activation',
      facts: ['signups_activated_7d'],
      sql: `SELECT s.tenant_id, ${LOCAL_DAY('s.signup_at')} AS day, count(*) AS signups_activated_7d
        FROM first_signups s
        WHERE s.signup_at >= ${WORK_START} AND EXISTS (
          SELECT 1 FROM key_actions k
          WHERE k.user_id = s.user_id AND (k.tenant_id = s.tenant_id OR (k.tenant_id IS NULL AND s.tenant_id IS NULL))
            AND k.occurred_at >= s.signup_at AND k.occurred_at <= s.signup_at + interval '7 days')
        GROUP BY 1, 2`,
    },
    {
      source: 'jobs',
      facts: ['jobs_total', 'jobs_succeeded', 'jobs_failed', 'jobs_duration_sum_sec'],
      sql: `SELECT tenant_id, ${LOCAL_DAY('finished_at')} AS day,
          count(*) AS jobs_total,
          count(*) FILTER (WHERE status = 'succeeded') AS jobs_succeeded,
          count(*) FILTER (WHERE status = 'failed') AS jobs_failed,
          sum(extract(epoch FROM finished_at - started_at)) AS jobs_duration_sum_sec
        FROM ${rel.from('jobs')} WHERE finished_at >= ${WORK_START} AND finished_at < ${WORK_END} AND ${TENANT_FILTER}
        GROUP BY 1, 2`,
    },
    {
      source: 'ai',
      facts: ['ai_tokens', 'ai_cost_usd'],
      sql: `SELECT tenant_id, ${LOCAL_DAY('occurred_at')} AS day,
          sum(input_tokens + output_tokens) AS ai_tokens, sum(cost_usd) AS ai_cost_usd
        FROM ${rel.from('ai')} WHERE occurred_at >= ${WORK_START} AND occurred_at < ${WORK_END} AND ${TENANT_FILTER}
        GROUP BY 1, 2`,
    },
    {
      source: 'api',
      facts: ['api_requests', 'api_server_errors', 'api_client_errors', 'api_latency_sum_ms', 'api_latency_histogram'],
      sql: `SELECT tenant_id, ${LOCAL_DAY('minute')} AS day,
          sum(requests) AS api_requests, sum(server_errors) AS api_server_errors,
          sum(client_errors) AS api_client_errors, sum(latency_sum_ms) AS api_latency_sum_ms,
          metrics_histogram_sum(latency_histogram) AS api_latency_histogram
        FROM ${rel.from('api')} WHERE minute >= ${WORK_START} AND minute < ${WORK_END} AND ${TENANT_FILTER}
        GROUP BY 1, 2`,
    },
  ];
}
