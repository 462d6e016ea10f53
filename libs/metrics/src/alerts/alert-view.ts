import type { MetricsAlert } from '../entities/alert.entities.js';

/** An alert as the API, the summary and the deliveries show it (snake_case, numbers as numbers). */
export interface AlertView {
  id: string;
  kind: MetricsAlert['kind'];
  metric: string;
  value: number;
  threshold: number | null;
  expected: number | null;
  expected_low: number | null;
  expected_high: number | null;
  severity: MetricsAlert['severity'];
  bucket_type: string;
  bucket_date: string;
  tenant: string | null;
  message: string;
  status: MetricsAlert['status'];
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const instant = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));

/** A row of metrics_alert (from a raw query or an entity) as its view. */
export function alertView(row: Record<string, unknown>): AlertView {
  return {
    id: String(row.id),
    kind: row.kind as AlertView['kind'],
    metric: row.metric as string,
    value: Number(row.value),
    threshold: number(row.threshold),
    expected: number(row.expected),
    expected_low: number(row.expected_low),
    expected_high: number(row.expected_high),
    severity: row.severity as AlertView['severity'],
    bucket_type: row.bucket_type as string,
    bucket_date: day(row.bucket_date),
    tenant: (row.tenant_id as string | null) ?? null,
    message: row.message as string,
    status: row.status as AlertView['status'],
    first_seen: instant(row.first_seen)!,
    last_seen: instant(row.last_seen)!,
    resolved_at: instant(row.resolved_at),
    acknowledged_by: (row.acknowledged_by as string | null) ?? null,
    acknowledged_at: instant(row.acknowledged_at),
  };
}
