import type { BucketType } from '../entities/snapshot.entity.js';
import type { AlertKind, AlertSeverity } from '../entities/alert.entities.js';

/** Where a condition was seen: one snapshot row. */
export interface SnapshotScope {
  bucket_type: BucketType;
  bucket_date: string;
  tenant: string | null;
}

/** A condition an evaluation found; stored as an alert (deduplicated on rule_key, metric, tenant, bucket_type). */
export interface AlertCondition extends SnapshotScope {
  kind: AlertKind;
  rule_key: string;
  metric: string;
  value: number;
  /** The level crossed (threshold alerts). */
  threshold: number | null;
  /** What the history led to expect, and its usual range (anomaly alerts). */
  expected: number | null;
  expected_low: number | null;
  expected_high: number | null;
  severity: AlertSeverity;
  message: string;
}

/** A number as people read it in a message: at most two decimals, thousands grouped. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function scopeLabel(tenant: string | null): string {
  return tenant ? `tenant ${tenant}` : 'all tenants';
}
