import type { BucketType } from '../entities/snapshot.entity.js';
import type { ReconciliationReport } from '../billing/revenue-reconciliation.js';
import { formatNumber, scopeLabel, type AlertCondition } from './alert-condition.js';

/**
 * One critical alert per bucket type and scope whose MRR does not reconcile (metrics.md: a difference is a bug):
 * it names the latest bucket that differs and how many do. The condition goes once every bucket reconciles.
 */
export function reconciliationConditions(report: ReconciliationReport): AlertCondition[] {
  const groups = new Map<string, ReconciliationReport['differences']>();
  for (const difference of report.differences) {
    const key = JSON.stringify([difference.bucket_type, difference.tenant]);
    groups.set(key, [...(groups.get(key) ?? []), difference]);
  }
  return [...groups.values()].map((differences) => {
    const latest = differences[differences.length - 1];
    return {
      kind: 'reconciliation',
      rule_key: 'revenue_reconciliation',
      metric: 'mrr',
      bucket_type: latest.bucket_type as BucketType,
      bucket_date: latest.bucket_date,
      tenant: latest.tenant,
      value: latest.difference,
      threshold: 0.01,
      expected: Math.round((latest.mrr_at_start + latest.mrr_net_new) * 100) / 100,
      expected_low: null,
      expected_high: null,
      severity: 'critical',
      message:
        `MRR does not reconcile (${scopeLabel(latest.tenant)}, ${latest.bucket_type} ${latest.bucket_date}): ` +
        `${formatNumber(latest.mrr_at_start)} at start + ${formatNumber(latest.mrr_net_new)} net new ≠ ` +
        `${formatNumber(latest.mrr)} at the end; ${differences.length} bucket(s) differ (GET revenue/reconciliation)`,
    };
  });
}
