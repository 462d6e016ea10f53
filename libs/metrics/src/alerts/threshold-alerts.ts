import { findMetric, type MetricKey } from '../catalog/metric-catalog.js';
import type { MetricsConfigEntity } from '../entities/config.entity.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import type { MetricValues } from '../common/metric-values.js';
import type { AlertSeverity, MetricsAlertRule } from '../entities/alert.entities.js';
import { formatNumber, scopeLabel, type AlertCondition, type SnapshotScope } from './alert-condition.js';

export type { AlertSeverity } from '../entities/alert.entities.js';

/** The alert shape of GET summary (metrics.md, "Alerts"); stored alerts add their id, kind and status. */
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

/** A threshold with a warning and a critical level, from the configuration or an admin's rule. */
export interface ThresholdRule {
  rule_key: string;
  name: string;
  metric: string;
  direction: 'above' | 'below';
  warning: number | null;
  critical: number | null;
  bucket_type: BucketType;
  /** Null: every scope (the global view and each tenant). */
  tenant: string | null;
  describe?: (value: number) => string;
}

/** The thresholds of metrics.md, each read from the configuration. */
/** The configuration's alert thresholds (numbers; 0 switches the alert off). */
type ThresholdSetting = Extract<
  keyof MetricsConfigEntity,
  | 'churn_spike_threshold_pct'
  | 'payment_failure_threshold'
  | 'error_rate_threshold_pct'
  | 'job_failure_rate_threshold_pct'
>;

const BUILT_IN: { metric: MetricKey; setting: ThresholdSetting; describe: (value: string) => string }[] = [
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

/**
 * The configuration's thresholds as rules: warning at the threshold, critical at twice it, on daily snapshots,
 * for every scope. A threshold of 0 switches its alert off.
 */
export function builtInRules(config: MetricsConfigEntity): ThresholdRule[] {
  return BUILT_IN.flatMap(({ metric, setting, describe }) => {
    const threshold = Number(config[setting]);
    if (!(threshold > 0)) return [];
    return [
      {
        rule_key: `builtin:${setting}`,
        name: setting,
        metric,
        direction: 'above' as const,
        warning: threshold,
        critical: 2 * threshold,
        bucket_type: 'daily' as const,
        tenant: null,
        describe: (value: number) => describe(formatNumber(value)),
      },
    ];
  });
}

export function ruleFromEntity(rule: MetricsAlertRule): ThresholdRule {
  return {
    rule_key: `rule:${rule.id}`,
    name: rule.name,
    metric: rule.metric,
    direction: rule.direction,
    warning: rule.warning_level === null ? null : Number(rule.warning_level),
    critical: rule.critical_level === null ? null : Number(rule.critical_level),
    bucket_type: rule.bucket_type,
    tenant: rule.tenant_id,
  };
}

function crossed(rule: ThresholdRule, value: number): AlertSeverity | null {
  const beyond = (level: number | null) =>
    level !== null && (rule.direction === 'above' ? value >= level : value <= level);
  if (beyond(rule.critical)) return 'critical';
  if (beyond(rule.warning)) return 'warning';
  return null;
}

/** The conditions a snapshot row meets: each rule that applies to its bucket and tenant, at its worst level. */
export function evaluateThresholds(
  values: MetricValues,
  rules: ThresholdRule[],
  where: SnapshotScope,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const rule of rules) {
    if (rule.bucket_type !== where.bucket_type || (rule.tenant !== null && rule.tenant !== where.tenant)) continue;
    const value = values[rule.metric];
    if (value === null || value === undefined) continue;
    const severity = crossed(rule, value);
    if (!severity) continue;
    const threshold = (severity === 'warning' ? rule.warning : (rule.warning ?? rule.critical)) as number;
    const label = findMetric(rule.metric)?.label ?? rule.metric;
    const what = rule.describe
      ? rule.describe(value)
      : `${label} is ${formatNumber(value)}, ${rule.direction} the ${severity} level ${formatNumber(
          (severity === 'critical' ? rule.critical : rule.warning) as number,
        )} (rule "${rule.name}")`;
    conditions.push({
      kind: 'threshold',
      rule_key: rule.rule_key,
      metric: rule.metric,
      value,
      threshold,
      expected: null,
      expected_low: null,
      expected_high: null,
      severity,
      ...where,
      message: rule.describe
        ? `${what} (threshold ${formatNumber(threshold)}) on ${where.bucket_date}, ${scopeLabel(where.tenant)}`
        : `${what} on ${where.bucket_type} ${where.bucket_date}, ${scopeLabel(where.tenant)}`,
    });
  }
  return conditions;
}

/** Alerts a snapshot triggers with the configuration's thresholds: warning at the threshold, critical at twice it. */
export function thresholdAlerts(
  values: MetricValues,
  config: MetricsConfigEntity,
  where: SnapshotScope,
): ThresholdAlert[] {
  return evaluateThresholds(values, builtInRules(config), where).map(toSummaryAlert);
}

/** The summary's shape of an alert. */
export function toSummaryAlert(condition: AlertCondition): ThresholdAlert {
  return {
    metric: condition.metric,
    value: condition.value,
    threshold: (condition.threshold ?? condition.expected) as number,
    severity: condition.severity,
    bucket_type: condition.bucket_type,
    bucket_date: condition.bucket_date,
    tenant: condition.tenant,
    message: condition.message,
  };
}
