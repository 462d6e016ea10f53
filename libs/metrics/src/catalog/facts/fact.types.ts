import type { MetricSource } from '../metric-source.types.js';

/**
 * Every per-day fact the compute knows, written once: its name (the column it becomes), the source that must be
 * connected for it to count, its SQL type and its SQL expression. A fact is an aggregate over the rows of one
 * fact query (compute/sql/source-facts.ts and billing-facts.ts say where those rows come from and which local day
 * each belongs to); the compute groups the facts by query and writes `<sql> AS <name>` for each, so a catalog
 * metric names a fact here and nothing else (`DailyRule`).
 */
export type FactQueryName =
  | 'lifecycle_transitions'
  | 'lifecycle_trials'
  | 'active_user_days'
  | 'wau_window'
  | 'mau_window'
  | 'first_key_actions'
  | 'activated_signups'
  | 'jobs'
  | 'ai_usage'
  | 'api_minutes'
  | 'billing_movements'
  | 'billing_subscriptions'
  | 'billing_failed_payments'
  | 'billing_open_invoices';

/**
 * Fact queries that read the sources' whole history and fold every row before the work range into its eve
 * (:w0 − 1): a running total of their facts starts from the right base whatever range is computed, so only their
 * facts can feed a `cumulative` rule (a stock). The others read the work range only.
 */
export const RUNNING_TOTAL_QUERIES = [
  'lifecycle_transitions',
  'wau_window',
  'mau_window',
  'billing_movements',
  'billing_subscriptions',
  'billing_open_invoices',
] as const satisfies readonly FactQueryName[];

export type FactSqlType = 'bigint' | 'numeric' | 'bigint[]';

export interface FactDefinition {
  name: string;
  /** Off (not connected), the fact's metrics are null (or their configuration fallback). */
  source: Exclude<MetricSource, 'config'>;
  sqlType: FactSqlType;
  query: FactQueryName;
  /** An aggregate over the query's rows, per tenant and day. */
  sql: string;
}
