import type { MetricsConfigEntity } from '../entities/config.entity.js';
import type { MetricValues } from '../read/metric-values.js';

export type AlertSeverity = 'warning' | 'critical';

export interface ThresholdAlert {
  metric: string;
  value: number;
  threshold: number;
  severity: AlertSeverity;
  bucket_type: string;
  bucket_date: string;
  tenant: string | null;
  message: string;
}

/** The thresholds of metrics.md, each read from the configuration. */
const THRESHOLDS: { metric: string; setting: keyof MetricsConfigEntity; describe: (value: number) => string }[] = [
  {
    metric: 'customer_churn_rate',
    setting: 'churn_spike_threshold_pct',
    describe: (v) => `Customer churn spiked to ${v}%`,
  },
  { metric: 'stripe_failed_payments', setting: 'payment_failure_threshold', describe: (v) => `${v} payments failed` },
  { metric: 'error_rate', setting: 'error_rate_threshold_pct', describe: (v) => `API error rate reached ${v}%` },
  {
    metric: 'job_failure_rate',
    setting: 'job_failure_rate_threshold_pct',
    describe: (v) => `Job failure rate reached ${v}%`,
  },
];

/** Alerts a snapshot triggers: warning at the threshold, critical at twice it. */
export function thresholdAlerts(
  values: MetricValues,
  config: MetricsConfigEntity,
  where: { bucket_type: string; bucket_date: string; tenant: string | null },
): ThresholdAlert[] {
  const alerts: ThresholdAlert[] = [];
  for (const { metric, setting, describe } of THRESHOLDS) {
    const value = values[metric];
    const threshold = Number(config[setting]);
    if (value === null || value === undefined || !(threshold > 0) || value < threshold) continue;
    const severity: AlertSeverity = value >= 2 * threshold ? 'critical' : 'warning';
    const scope = where.tenant ? `tenant ${where.tenant}` : 'all tenants';
    alerts.push({
      metric,
      value,
      threshold,
      severity,
      ...where,
      message: `${describe(value)} (threshold ${threshold}) on ${where.bucket_date}, ${scope}`,
    });
  }
  return alerts;
}
