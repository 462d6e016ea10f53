import type { MetricDefinition } from './catalog.types.js';

/**
 * Every metric of docs/metrics.md, declared once. The snapshot columns, the SQL that fills them, the
 * weekly/monthly/range aggregation, the timeseries whitelist, the CSV header and the dashboard all read
 * this list: adding a metric means adding an entry here and a column in a migration.
 */
const percent = (numerator: string, denominator: string, maturesAfterDays?: number) => ({
  numerator,
  denominator,
  scale: 100 as const,
  decimals: 2,
  ...(maturesAfterDays ? { maturesAfterDays } : {}),
});

export const METRIC_CATALOG: readonly MetricDefinition[] = [
  // ── Users ────────────────────────────────────────────────────────────────
  {
    key: 'total_customers', label: 'Total customers', unit: 'count', kind: 'stock', group: 'users', source: 'lifecycle',
    column: 'integer', daily: { cumulative: 'active_delta' },
    description: 'Users signed up on or before the end of the day and not deactivated at the end of the day.',
  },
  {
    key: 'new_customers', label: 'New customers', unit: 'count', kind: 'flow', group: 'users', source: 'lifecycle',
    column: 'integer', daily: { fact: 'signups' }, description: 'Signups during the period.',
  },
  {
    key: 'churned_customers', label: 'Churned customers', unit: 'count', kind: 'flow', group: 'users', source: 'lifecycle',
    column: 'integer', daily: { fact: 'deactivations' }, description: 'Deactivations during the period.',
  },
  {
    key: 'reactivated_customers', label: 'Reactivated customers', unit: 'count', kind: 'flow', group: 'users',
    source: 'lifecycle', column: 'integer', daily: { fact: 'reactivations' },
    description: 'Reactivations during the period (a deactivated user becomes active again).',
  },
  {
    key: 'customers_at_start', label: 'Customers at start', unit: 'count', kind: 'opening', group: 'users',
    source: 'lifecycle', column: 'integer', daily: { previousDay: 'total_customers' }, internal: true,
    description: 'Total customers at the end of the day before the period (the churn rate denominator).',
  },
  {
    key: 'customer_churn_rate', label: 'Customer churn rate', unit: 'percent', kind: 'ratio', group: 'users',
    source: 'lifecycle', column: 'numeric(12,2)', daily: { derived: true },
    ratio: percent('churned_customers', 'customers_at_start'),
    description: 'Churned customers in the period ÷ total customers at the end of the day before the period × 100.',
  },
  {
    key: 'signups_total', label: 'Signups (all time)', unit: 'count', kind: 'stock', group: 'users', source: 'lifecycle',
    column: 'integer', daily: { cumulative: 'signups' }, description: 'All signups ever, up to the end of the day.',
  },

  // ── Engagement ───────────────────────────────────────────────────────────
  {
    key: 'dau', label: 'Daily active users', unit: 'count', kind: 'distinct', group: 'engagement', source: 'activity',
    column: 'numeric(12,2)', daily: { fact: 'active_users' },
    rollup: { weekly: 'average', monthly: 'average', range: 'average' },
    description: 'Distinct users with a login or activity during the day. Weekly and monthly: the average daily value.',
  },
  {
    key: 'wau', label: 'Weekly active users', unit: 'count', kind: 'distinct', group: 'engagement', source: 'activity',
    column: 'integer', daily: { cumulative: 'wau_delta' }, bucketFact: 'active_users',
    rollup: { weekly: 'bucket_distinct', monthly: 'last', range: 'last' },
    description: 'Distinct active users in the 7 days ending on the day. Weekly bucket: distinct users in the ISO week.',
  },
  {
    key: 'mau', label: 'Monthly active users', unit: 'count', kind: 'distinct', group: 'engagement', source: 'activity',
    column: 'integer', daily: { cumulative: 'mau_delta' }, bucketFact: 'active_users',
    rollup: { weekly: 'last', monthly: 'bucket_distinct', range: 'last' },
    description: 'Distinct active users in the 30 days ending on the day. Monthly bucket: distinct users in the month.',
  },
  {
    key: 'stickiness', label: 'Stickiness (DAU/MAU)', unit: 'percent', kind: 'ratio', group: 'engagement',
    source: 'activity', column: 'numeric(12,2)', daily: { derived: true }, ratio: percent('dau', 'mau'),
    description: 'DAU ÷ MAU × 100.',
  },

  // ── Activation ───────────────────────────────────────────────────────────
  {
    key: 'activated_users', label: 'Activated users', unit: 'count', kind: 'flow', group: 'activation',
    source: 'activation', column: 'integer', daily: { fact: 'first_key_actions' },
    description: 'Users whose first key action ever happened during the period.',
  },
  {
    key: 'users_uploaded_file', label: 'Users who uploaded a file', unit: 'count', kind: 'distinct', group: 'activation',
    source: 'activation', column: 'integer', daily: { bucketFact: 'action:file_upload' },
    rollup: { weekly: 'bucket_distinct', monthly: 'bucket_distinct', range: 'bucket_distinct' },
    description: 'Distinct users with a file_upload key action during the period.',
  },
  {
    key: 'users_created_worklog', label: 'Users who created a worklog', unit: 'count', kind: 'distinct',
    group: 'activation', source: 'activation', column: 'integer', daily: { bucketFact: 'action:worklog_create' },
    rollup: { weekly: 'bucket_distinct', monthly: 'bucket_distinct', range: 'bucket_distinct' },
    description: 'Distinct users with a worklog_create key action during the period.',
  },
  {
    key: 'users_generated_report', label: 'Users who generated a report', unit: 'count', kind: 'distinct',
    group: 'activation', source: 'activation', column: 'integer', daily: { bucketFact: 'action:report_generate' },
    rollup: { weekly: 'bucket_distinct', monthly: 'bucket_distinct', range: 'bucket_distinct' },
    description: 'Distinct users with a report_generate key action during the period.',
  },
  {
    key: 'signups_activated_7d', label: 'Signups activated within 7 days', unit: 'count', kind: 'flow',
    group: 'activation', source: 'activation', column: 'integer', daily: { fact: 'signups_activated_7d' }, internal: true,
    description: 'Of the users who signed up in the period, those with a key action within 7 days of signing up.',
  },
  {
    key: 'activation_rate', label: 'Activation rate', unit: 'percent', kind: 'ratio', group: 'activation',
    source: 'activation', column: 'numeric(12,2)', daily: { derived: true },
    ratio: percent('signups_activated_7d', 'new_customers', 7),
    description:
      'Of the users who signed up in the period, the share with a key action within 7 days of signup × 100 (null until 7 days after the period).',
  },
  {
    key: 'trial_started', label: 'Trials started', unit: 'count', kind: 'flow', group: 'activation', source: 'lifecycle',
    column: 'integer', daily: { fact: 'trials_started' }, description: 'Trial start events during the period.',
  },
  {
    key: 'trial_converted', label: 'Trials converted', unit: 'count', kind: 'flow', group: 'activation',
    source: 'lifecycle', column: 'integer', daily: { fact: 'trials_converted' },
    description: 'Trial conversion events during the period.',
  },
  {
    key: 'trial_conversion_rate', label: 'Trial conversion rate', unit: 'percent', kind: 'ratio', group: 'activation',
    source: 'lifecycle', column: 'numeric(12,2)', daily: { derived: true }, ratio: percent('trial_converted', 'trial_started'),
    description: 'Trials converted ÷ trials started during the period × 100.',
  },

  // ── Jobs (a job counts on the day it finished) ──────────────────────────
  {
    key: 'jobs_total', label: 'Jobs finished', unit: 'count', kind: 'flow', group: 'jobs', source: 'jobs',
    column: 'integer', daily: { fact: 'jobs_total' }, description: 'Jobs that finished during the period.',
  },
  {
    key: 'jobs_succeeded', label: 'Jobs succeeded', unit: 'count', kind: 'flow', group: 'jobs', source: 'jobs',
    column: 'integer', daily: { fact: 'jobs_succeeded' }, description: 'Jobs that finished successfully.',
  },
  {
    key: 'jobs_failed', label: 'Jobs failed', unit: 'count', kind: 'flow', group: 'jobs', source: 'jobs',
    column: 'integer', daily: { fact: 'jobs_failed' }, description: 'Jobs that finished with a failure.',
  },
  {
    key: 'jobs_duration_sum_sec', label: 'Job time', unit: 'seconds', kind: 'flow', group: 'jobs', source: 'jobs',
    column: 'numeric(20,2)', daily: { fact: 'jobs_duration_sum_sec' }, internal: true,
    description: 'Sum of (finished − started) over the jobs of the period.',
  },
  {
    key: 'jobs_avg_duration_sec', label: 'Average job duration', unit: 'seconds', kind: 'ratio', group: 'jobs',
    source: 'jobs', column: 'numeric(12,2)', daily: { derived: true },
    ratio: { numerator: 'jobs_duration_sum_sec', denominator: 'jobs_total', scale: 1, decimals: 2 },
    description: 'Mean of (finished − started) over the jobs that finished in the period.',
  },
  {
    key: 'job_success_rate', label: 'Job success rate', unit: 'percent', kind: 'ratio', group: 'jobs', source: 'jobs',
    column: 'numeric(12,2)', daily: { derived: true }, ratio: percent('jobs_succeeded', 'jobs_total'),
    description: 'Jobs succeeded ÷ jobs finished × 100.',
  },
  {
    key: 'job_failure_rate', label: 'Job failure rate', unit: 'percent', kind: 'ratio', group: 'jobs', source: 'jobs',
    column: 'numeric(12,2)', daily: { derived: true }, ratio: percent('jobs_failed', 'jobs_total'),
    description: 'Jobs failed ÷ jobs finished × 100.',
  },

  // ── Operations (API) ─────────────────────────────────────────────────────
  {
    key: 'api_requests_total', label: 'API requests', unit: 'count', kind: 'flow', group: 'operations', source: 'api',
    column: 'bigint', daily: { fact: 'api_requests' }, description: 'API requests served during the period.',
  },
  {
    key: 'api_errors_total', label: 'API server errors', unit: 'count', kind: 'flow', group: 'operations', source: 'api',
    column: 'bigint', daily: { fact: 'api_server_errors' }, description: 'Requests answered with a status ≥ 500.',
  },
  {
    key: 'api_client_errors_total', label: 'API client errors', unit: 'count', kind: 'flow', group: 'operations',
    source: 'api', column: 'bigint', daily: { fact: 'api_client_errors' },
    description: 'Requests answered with a 4xx status.',
  },
  {
    key: 'api_latency_sum_ms', label: 'API time', unit: 'milliseconds', kind: 'flow', group: 'operations', source: 'api',
    column: 'numeric(20,2)', daily: { fact: 'api_latency_sum_ms' }, internal: true,
    description: 'Sum of request durations.',
  },
  {
    key: 'api_latency_histogram', label: 'API latency histogram', unit: 'count', kind: 'flow', group: 'operations',
    source: 'api', column: 'bigint[]', daily: { fact: 'api_latency_histogram' }, internal: true,
    description: 'Request counts per latency bucket (bounds in LATENCY_BUCKETS_MS).',
  },
  {
    key: 'api_avg_latency_ms', label: 'API average latency', unit: 'milliseconds', kind: 'ratio', group: 'operations',
    source: 'api', column: 'numeric(12,2)', daily: { derived: true },
    ratio: { numerator: 'api_latency_sum_ms', denominator: 'api_requests_total', scale: 1, decimals: 2 },
    description: 'Mean request duration.',
  },
  {
    key: 'api_p95_latency_ms', label: 'API p95 latency', unit: 'milliseconds', kind: 'ratio', group: 'operations',
    source: 'api', column: 'numeric(12,2)', daily: { derived: true },
    ratio: { numerator: 'api_latency_histogram', denominator: 'api_requests_total', scale: 1, decimals: 2, special: 'histogram_p95' },
    description: '95th percentile of request duration, interpolated within its latency histogram bucket.',
  },
  {
    key: 'error_rate', label: 'API error rate', unit: 'percent', kind: 'ratio', group: 'operations', source: 'api',
    column: 'numeric(12,2)', daily: { derived: true }, ratio: percent('api_errors_total', 'api_requests_total'),
    description: 'API server errors ÷ API requests × 100.',
  },

  // ── AI / compute ─────────────────────────────────────────────────────────
  {
    key: 'ai_tokens_used', label: 'AI tokens', unit: 'tokens', kind: 'flow', group: 'ai', source: 'ai', column: 'bigint',
    daily: { fact: 'ai_tokens' }, description: 'Input + output tokens used (per-model breakdown in ai_breakdown).',
  },
  {
    key: 'ai_cost_usd', label: 'AI cost', unit: 'usd', kind: 'flow', group: 'ai', source: 'ai', column: 'numeric(20,4)',
    daily: { fact: 'ai_cost_usd' }, description: 'Cost of AI usage in USD, 4 decimals (per-model breakdown in ai_breakdown).',
  },

  // ── Revenue (ChartMogul conventions; filled by the billing ledger) ──────
  ...(
    [
      ['mrr', 'MRR', 'currency', 'stock', 'numeric(20,2)', 'Monthly recurring revenue at the end of the period.'],
      ['arr', 'ARR', 'currency', 'stock', 'numeric(20,2)', 'MRR × 12.'],
      ['paying_customers', 'Paying customers', 'count', 'stock', 'integer', 'Customers with MRR > 0.'],
      ['arpa', 'ARPA', 'currency', 'ratio', 'numeric(20,2)', 'MRR ÷ paying customers.'],
      ['mrr_new', 'New MRR', 'currency', 'flow', 'numeric(20,2)', 'MRR from customers who never had MRR before.'],
      ['mrr_expansion', 'Expansion MRR', 'currency', 'flow', 'numeric(20,2)', 'MRR increases of paying customers.'],
      ['mrr_contraction', 'Contraction MRR', 'currency', 'flow', 'numeric(20,2)', 'MRR decreases to a positive amount.'],
      ['mrr_churn', 'Churned MRR', 'currency', 'flow', 'numeric(20,2)', 'MRR lost by customers going to 0.'],
      ['mrr_reactivation', 'Reactivation MRR', 'currency', 'flow', 'numeric(20,2)', 'MRR from returning customers.'],
      ['mrr_net_new', 'Net new MRR', 'currency', 'flow', 'numeric(20,2)', 'New + expansion + reactivation − contraction − churn.'],
      ['nrr', 'Net revenue retention', 'percent', 'ratio', 'numeric(12,2)', '(MRR at start + expansion − contraction − churn) ÷ MRR at start × 100, customers paying at the start only.'],
      ['grr', 'Gross revenue retention', 'percent', 'ratio', 'numeric(12,2)', '(MRR at start − contraction − churn) ÷ MRR at start × 100.'],
      ['revenue_churn_rate', 'Revenue churn rate', 'percent', 'ratio', 'numeric(12,2)', '(Churn + contraction) ÷ MRR at start × 100.'],
      ['quick_ratio', 'Quick ratio', 'ratio', 'ratio', 'numeric(12,2)', '(New + expansion + reactivation) ÷ (contraction + churn).'],
      ['stripe_active_subscriptions', 'Active subscriptions', 'count', 'stock', 'integer', 'Subscriptions active at the end of the period.'],
      ['stripe_past_due', 'Past-due subscriptions', 'count', 'stock', 'integer', 'Subscriptions past due at the end of the period.'],
      ['stripe_canceled', 'Canceled subscriptions', 'count', 'flow', 'integer', 'Subscriptions canceled during the period.'],
      ['stripe_failed_payments', 'Failed payments', 'count', 'flow', 'integer', 'invoice.payment_failed events during the period.'],
      ['outstanding_invoices_count', 'Outstanding invoices', 'count', 'stock', 'integer', 'Open invoices at the end of the period.'],
      ['outstanding_invoices_value', 'Outstanding invoice value', 'currency', 'stock', 'numeric(20,2)', 'Amount remaining on open invoices.'],
    ] as const
  ).map(
    ([key, label, unit, kind, column, description]): MetricDefinition => ({
      key, label, unit, kind, column, description, group: 'revenue', source: 'billing', daily: { billing: true },
    }),
  ),

  // ── Financial (inputs from the configuration) ───────────────────────────
  {
    key: 'cash_burn_monthly', label: 'Monthly burn', unit: 'currency', kind: 'stock', group: 'financial', source: 'config',
    column: 'numeric(20,2)', daily: { config: 'monthly_burn_rate' }, description: 'Monthly cash burn, from the configuration.',
  },
  {
    key: 'cash_balance', label: 'Cash balance', unit: 'currency', kind: 'stock', group: 'financial', source: 'config',
    column: 'numeric(20,2)', daily: { config: 'cash_balance' }, description: 'Cash balance, from the configuration.',
  },
  {
    key: 'runway_months', label: 'Runway', unit: 'months', kind: 'stock', group: 'financial', source: 'config',
    column: 'numeric(12,2)', daily: { config: 'runway_months' },
    description: 'Cash balance ÷ monthly burn (one decimal; null when burn ≤ 0), or the manual runway when no cash balance is set.',
  },
];

/** The public catalog: what the API, the CSV and the dashboard show. */
export const PUBLIC_METRICS: readonly MetricDefinition[] = METRIC_CATALOG.filter((metric) => !metric.internal);

const byKey = new Map(METRIC_CATALOG.map((metric) => [metric.key, metric]));

export function findMetric(key: string): MetricDefinition | undefined {
  return byKey.get(key);
}

export function isPublicMetricKey(key: string): boolean {
  const metric = byKey.get(key);
  return metric !== undefined && !metric.internal;
}

/** Latency histogram bucket upper bounds in milliseconds; the last bucket is open-ended. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000,
];
