import type { MetricSource } from './metric-source.types.js';
import type { BucketFactName, FactName, RunningTotalFactName } from './facts/fact-registry.js';

/**
 * How a metric's daily values combine into a weekly, monthly or range value (metrics.md, "Kinds of metric").
 * - flow: summed over the bucket.
 * - stock: the value on the bucket's last day.
 * - opening: the value on the bucket's first day (a stock "at the start", used as a ratio's denominator).
 * - distinct: distinct users; the `rollup` field says how each bucket gets it.
 * - ratio: recomputed from its components over the bucket, never averaged.
 */
export type MetricKind = 'flow' | 'stock' | 'opening' | 'distinct' | 'ratio';

export type MetricUnit =
  'count' | 'percent' | 'currency' | 'usd' | 'seconds' | 'milliseconds' | 'tokens' | 'months' | 'ratio';

export type MetricGroup =
  'users' | 'engagement' | 'activation' | 'jobs' | 'operations' | 'ai' | 'revenue' | 'financial';

export type { MetricSource } from './metric-source.types.js';

/** The SQL type of the snapshot column that stores the metric. */
export type ColumnType = 'integer' | 'bigint' | 'numeric(20,2)' | 'numeric(20,4)' | 'numeric(12,2)' | 'bigint[]';

/**
 * Configuration fields the compute reads as a metric's daily value: the financial inputs, and the billing
 * figures an admin enters while billing is not connected (MetricDefinition.configFallback).
 */
export type ConfigFinancialField = 'monthly_burn_rate' | 'cash_balance' | 'runway_months';
export type ConfigFallbackField = 'outstanding_invoices_count' | 'outstanding_invoices_value';

/** How a daily value is obtained from the per-day facts of the sources (catalog/facts/, the fact registry). */
export type DailyRule =
  /** A per-day fact, taken as it is. */
  | { fact: FactName }
  /**
   * A value that only exists per bucket, from the bucket-level facts: a distinct count, or a sum that depends
   * on the bucket's start (the movements of customers paying when the bucket began).
   */
  | { bucketFact: BucketFactName }
  /** The running total of a per-day delta fact since the beginning of time (one whose query folds history). */
  | { cumulative: RunningTotalFactName }
  /** The value of another metric (its key) at the end of the previous day. */
  | { previousDay: string }
  /** A value from the configuration (financial inputs). */
  | { config: ConfigFinancialField }
  /** Computed from other metrics of the same row (ratios). */
  | { derived: true };

/** How a distinct-user metric is obtained for a bucket wider than a day. */
export type DistinctRollup = 'average' | 'last' | 'bucket_distinct';

export interface RatioDefinition {
  numerator: string;
  denominator: string;
  /** 100 for a percentage, 1 for a plain ratio. */
  scale: 100 | 1;
  /** Null until this many days after the bucket's end (activation needs a 7-day window to close). */
  maturesAfterDays?: number;
  /** Rounding of the stored value. */
  decimals: number;
  /**
   * Special ratio computations that a plain division cannot express: a p95 from a latency histogram; the mean of
   * the daily ratios over the bucket's days with data (stickiness, metrics.md); ltv: ARPA at the end ÷ the logo
   * churn rate, from their components (mrr × paying_at_start ÷ (paying_customers × paying_retained_lost)), only
   * over a month or a range, since it needs a monthly churn rate.
   */
  special?: 'histogram_p95' | 'mean_of_daily' | 'ltv';
  /**
   * Retention rates start from the denominator (the opening base): (denominator ± numerator) ÷ denominator.
   * NRR adds the retained customers' net change, GRR subtracts their losses.
   */
  retention?: 'add' | 'subtract';
  /** growth: (numerator − denominator) ÷ denominator (a level against its opening); negated: −numerator ÷ denominator. */
  change?: 'growth' | 'negated';
  /**
   * A rate per period (churn): over a range longer than one calendar month it is the average monthly rate,
   * weighted by each month's share of days inside the range (metrics.md, "Rates per period").
   */
  perPeriod?: true;
}

export interface MetricDefinition {
  key: string;
  label: string;
  unit: MetricUnit;
  kind: MetricKind;
  group: MetricGroup;
  source: MetricSource;
  description: string;
  column: ColumnType;
  daily: DailyRule;
  /** For distinct metrics: how weekly and monthly buckets get their value. */
  rollup?: { weekly: DistinctRollup; monthly: DistinctRollup; range: DistinctRollup };
  /**
   * For bucket_distinct rollups: which bucket-level fact to read. For a flow whose daily values are stored rounded
   * (its column has fewer decimals than its events): the fact a range summary sums it from exactly, rounded as the
   * column rounds, instead of summing the range's stored days.
   */
  bucketFact?: BucketFactName;
  ratio?: RatioDefinition;
  /**
   * A billing metric an admin may enter in the configuration for a company whose billing is not connected
   * (metrics.md: "outstanding invoices come from billing when connected, else from config"). While its source is
   * off, the compute stores the configured value as its daily value (a stock, like the cash balance); once billing
   * is connected, billing fills the metric and the configured value is ignored.
   */
  configFallback?: ConfigFallbackField;
  /** A component stored for exact re-aggregation; not part of the public catalog, the CSV or the dashboard. */
  internal?: boolean;
}
