import type { FactDefinition } from './fact.types.js';
import { histogramSumSql } from './latency-histogram.js';

/** The per-day facts of the host's own sources (lifecycle, activity, activation, jobs, AI, API); see fact.types.ts. */
export const USAGE_FACTS = [
  // Lifecycle: transitions of each user between active and not active.
  {
    name: 'signups',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_transitions',
    sql: `count(*) FILTER (WHERE type = 'signup')`,
  },
  {
    name: 'deactivations',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_transitions',
    sql: `count(*) FILTER (WHERE type = 'deactivate')`,
  },
  {
    name: 'reactivations',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_transitions',
    sql: `count(*) FILTER (WHERE type = 'reactivate')`,
  },
  {
    name: 'active_delta',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_transitions',
    sql: `sum(CASE WHEN active_after AND NOT active_before THEN 1 WHEN active_before AND NOT active_after THEN -1 ELSE 0 END)`,
  },
  {
    name: 'trials_started',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_trials',
    sql: `count(*) FILTER (WHERE type = 'trial_started')`,
  },
  {
    name: 'trials_converted',
    source: 'lifecycle',
    sqlType: 'bigint',
    query: 'lifecycle_trials',
    sql: `count(*) FILTER (WHERE type = 'trial_converted')`,
  },
  // Activity: distinct users per day, and the +1/−1 changes of the rolling windows' distinct counts.
  { name: 'active_users', source: 'activity', sqlType: 'bigint', query: 'active_user_days', sql: `sum(users)` },
  // The day's users whose previous active day lies before its ISO week or month: a bucket's distinct users are the
  // sum over its days, kept in the work table so a run that restores stored days sums them too (bucket-facts.sql.ts).
  {
    name: 'week_first_users',
    source: 'activity',
    sqlType: 'bigint',
    query: 'active_user_days',
    sql: `sum(week_firsts)`,
  },
  {
    name: 'month_first_users',
    source: 'activity',
    sqlType: 'bigint',
    query: 'active_user_days',
    sql: `sum(month_firsts)`,
  },
  { name: 'wau_delta', source: 'activity', sqlType: 'bigint', query: 'wau_window', sql: `sum(delta)` },
  { name: 'mau_delta', source: 'activity', sqlType: 'bigint', query: 'mau_window', sql: `sum(delta)` },
  // Activation: first key actions, and signups with a key action within 7 days.
  { name: 'first_key_actions', source: 'activation', sqlType: 'bigint', query: 'first_key_actions', sql: `count(*)` },
  {
    name: 'signups_activated_7d',
    source: 'activation',
    sqlType: 'bigint',
    query: 'activated_signups',
    sql: `count(*)`,
  },
  // Jobs, AI usage and the API's per-minute rollup.
  { name: 'jobs_total', source: 'jobs', sqlType: 'bigint', query: 'jobs', sql: `count(*)` },
  {
    name: 'jobs_succeeded',
    source: 'jobs',
    sqlType: 'bigint',
    query: 'jobs',
    sql: `count(*) FILTER (WHERE status = 'succeeded')`,
  },
  {
    name: 'jobs_failed',
    source: 'jobs',
    sqlType: 'bigint',
    query: 'jobs',
    sql: `count(*) FILTER (WHERE status = 'failed')`,
  },
  {
    name: 'jobs_duration_sum_sec',
    source: 'jobs',
    sqlType: 'numeric',
    query: 'jobs',
    sql: `sum(extract(epoch FROM finished_at - started_at))`,
  },
  { name: 'ai_tokens', source: 'ai', sqlType: 'bigint', query: 'ai_usage', sql: `sum(input_tokens + output_tokens)` },
  { name: 'ai_cost_usd', source: 'ai', sqlType: 'numeric', query: 'ai_usage', sql: `sum(cost_usd)` },
  { name: 'api_requests', source: 'api', sqlType: 'bigint', query: 'api_minutes', sql: `sum(requests)` },
  { name: 'api_server_errors', source: 'api', sqlType: 'bigint', query: 'api_minutes', sql: `sum(server_errors)` },
  { name: 'api_client_errors', source: 'api', sqlType: 'bigint', query: 'api_minutes', sql: `sum(client_errors)` },
  { name: 'api_latency_sum_ms', source: 'api', sqlType: 'numeric', query: 'api_minutes', sql: `sum(latency_sum_ms)` },
  {
    name: 'api_latency_histogram',
    source: 'api',
    sqlType: 'bigint[]',
    query: 'api_minutes',
    sql: histogramSumSql('latency_histogram'),
  },
] as const satisfies readonly FactDefinition[];
