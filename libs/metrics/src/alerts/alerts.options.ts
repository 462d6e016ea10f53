import type { MetricUnit } from '../catalog/catalog.types.js';
import { isMetricKey, isPublicMetricKey, type MetricKey } from '../catalog/metric-catalog.js';

/**
 * Alert settings a host may tune through the module option `alerts`. Defaults are documented in
 * docs/alerts.md; tests shorten the delivery delays.
 */
export interface AnomalySettings {
  /** Look for anomalies at all (default true). */
  enabled: boolean;
  /** The metrics watched (public catalog keys; any other stops the module from starting, naming it). */
  metrics: MetricKey[];
  /** How many previous same weekdays form the history (default 8, i.e. 8 weeks). */
  weeks: number;
  /** Fewer same-weekday points than this: no verdict (default 4). */
  minHistory: number;
  /** A rate, average or percentile over fewer items than this on the day (its denominator) is not judged (default 20). */
  minSample: number;
  /** Robust z-score from which a value is a warning (default 4) and critical (default 7). */
  warningZ: number;
  criticalZ: number;
  /** The departure from the median must also be at least this share of the median (default 0.3)... */
  minRelativeChange: number;
  /** ...and at least this many units of the metric, per unit (count 5, percent 2 points, ...) or per metric key. */
  minAbsoluteChange: Partial<Record<MetricUnit | MetricKey, number>>;
}

export interface DeliverySettings {
  /** Send deliveries from this process (default true; a host may run them on one worker instance only). */
  enabled: boolean;
  /** Attempts before a delivery is given up as failed (default 6). */
  maxAttempts: number;
  /** Delay before the 2nd attempt; it doubles each time up to maxDelayMs (defaults 30 s and 1 h). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the outbox is looked at when nothing woke it (default 10 s). */
  pollIntervalMs: number;
  /** Time allowed for one HTTP request or SMTP conversation (default 10 s). */
  timeoutMs: number;
  /**
   * Let webhooks and SMTP hosts be loopback, private, link-local or internal addresses (default false: such a
   * target is refused when saved, and at each delivery after DNS resolution). For local setups and tests.
   */
  allowPrivateNetworks: boolean;
}

export interface MetricsAlertsOptions {
  /** Evaluate alerts after each computation (default true). */
  enabled?: boolean;
  anomaly?: Partial<AnomalySettings>;
  delivery?: Partial<DeliverySettings>;
}

export interface ResolvedAlertsSettings {
  enabled: boolean;
  anomaly: AnomalySettings;
  delivery: DeliverySettings;
}

/**
 * The metrics watched for anomalies unless the host names others: daily flows and rates, where a day can depart
 * from its usual level. Stocks (running totals) are left out.
 */
export const DEFAULT_ANOMALY_METRICS: MetricKey[] = [
  'new_customers',
  'churned_customers',
  'dau',
  'jobs_total',
  'jobs_failed',
  'job_failure_rate',
  'api_requests_total',
  'api_errors_total',
  'error_rate',
  'api_p95_latency_ms',
  'ai_tokens_used',
  'ai_cost_usd',
  'mrr',
  'stripe_failed_payments',
];

/** Below these departures a change is noise whatever its z-score (tiny numbers swing wildly). */
export const DEFAULT_MIN_ABSOLUTE_CHANGE: Record<MetricUnit, number> = {
  count: 5,
  percent: 2,
  currency: 50,
  usd: 5,
  seconds: 30,
  milliseconds: 50,
  tokens: 10_000,
  months: 1,
  ratio: 0.1,
};

const UNITS = new Set<string>(Object.keys(DEFAULT_MIN_ABSOLUTE_CHANGE));

/**
 * Keys a host writes in plain JavaScript or from its own configuration are not checked by the compiler: a wrong
 * one would watch nothing without a word, so it stops the module from starting instead, naming the option.
 */
function checkAnomalyKeys(anomaly: Partial<AnomalySettings> | undefined): void {
  const unknownMetrics = (anomaly?.metrics ?? []).filter((key) => !isPublicMetricKey(key));
  if (unknownMetrics.length > 0) {
    throw new Error(
      `alerts.anomaly.metrics: not public catalog metric keys (GET catalog): ${unknownMetrics.join(', ')}`,
    );
  }
  const unknownChanges = Object.keys(anomaly?.minAbsoluteChange ?? {}).filter(
    (key) => !UNITS.has(key) && !isMetricKey(key),
  );
  if (unknownChanges.length > 0) {
    throw new Error(
      `alerts.anomaly.minAbsoluteChange: neither a unit nor a catalog metric key: ${unknownChanges.join(', ')}`,
    );
  }
}

export function resolveAlertsSettings(options: MetricsAlertsOptions | undefined): ResolvedAlertsSettings {
  checkAnomalyKeys(options?.anomaly);
  return {
    enabled: options?.enabled ?? true,
    anomaly: {
      enabled: true,
      metrics: DEFAULT_ANOMALY_METRICS,
      weeks: 8,
      minHistory: 4,
      minSample: 20,
      warningZ: 4,
      criticalZ: 7,
      minRelativeChange: 0.3,
      ...options?.anomaly,
      minAbsoluteChange: { ...DEFAULT_MIN_ABSOLUTE_CHANGE, ...options?.anomaly?.minAbsoluteChange },
    },
    delivery: {
      enabled: true,
      maxAttempts: 6,
      baseDelayMs: 30_000,
      maxDelayMs: 3_600_000,
      pollIntervalMs: 10_000,
      timeoutMs: 10_000,
      allowPrivateNetworks: false,
      ...options?.delivery,
    },
  };
}
