import type { DataSource } from 'typeorm';

/** One check's outcome: `failed` makes `verify` exit 1; a `warning` is reported and exits 0. */
export interface CheckResult {
  name: string;
  verdict: 'ok' | 'warning' | 'failed';
  detail: string;
  /** Up to 5 offending rows, for a person to look at. */
  examples?: unknown[];
}

/** Movements may be rounded per customer: a cent per bucket is allowed. */
const TOLERANCE = 0.01;

/**
 * Revenue reconciliation on the stored snapshots (daily and monthly, global and per tenant): MRR at the start
 * plus net new MRR equals MRR at the end, and net new MRR is new + expansion + reactivation − contraction − churn.
 */
export async function revenueReconciliation(dataSource: DataSource, environment: string): Promise<CheckResult> {
  const rows = await dataSource.query<({ total: number } & Record<string, unknown>)[]>(
    `SELECT bucket_type, bucket_date::text AS bucket_date, tenant_id, mrr_at_start, mrr_net_new, mrr,
            count(*) OVER ()::int AS total
     FROM system_metrics_snapshot
     WHERE environment = $1 AND bucket_type IN ('daily', 'monthly') AND mrr IS NOT NULL
       AND (abs(coalesce(mrr_at_start, 0) + coalesce(mrr_net_new, 0) - mrr) > $2
         OR abs(coalesce(mrr_new, 0) + coalesce(mrr_expansion, 0) + coalesce(mrr_reactivation, 0)
                - coalesce(mrr_contraction, 0) - coalesce(mrr_churn, 0) - coalesce(mrr_net_new, 0)) > $2)
     ORDER BY bucket_date, bucket_type, tenant_id NULLS FIRST LIMIT 5`,
    [environment, TOLERANCE],
  );
  const [{ checked }] = await dataSource.query<{ checked: number }[]>(
    `SELECT count(*)::int AS checked FROM system_metrics_snapshot
     WHERE environment = $1 AND bucket_type IN ('daily', 'monthly') AND mrr IS NOT NULL`,
    [environment],
  );
  if (rows.length === 0)
    return {
      name: 'revenue_reconciliation',
      verdict: 'ok',
      detail: `${checked} bucket(s): MRR start + net new = MRR end`,
    };
  return {
    name: 'revenue_reconciliation',
    verdict: 'failed',
    detail: `${rows[0].total} of ${checked} bucket(s) do not reconcile (MRR start + net new ≠ MRR end, or net new ≠ the sum of movements)`,
    examples: rows.map(({ total: _total, ...row }) => row),
  };
}

/** Days marked for recomputation (a late billing change) that the catch-up has not done within an hour. */
export async function dirtyDays(dataSource: DataSource): Promise<CheckResult> {
  const [row] = await dataSource.query<{ waiting: number; first: string | null; last: string | null; late: number }[]>(
    `SELECT count(*)::int AS waiting, min(day)::text AS first, max(day)::text AS last,
            count(*) FILTER (WHERE marked_at < now() - interval '1 hour')::int AS late
     FROM metrics_dirty_day`,
  );
  if (row.waiting === 0) return { name: 'dirty_days', verdict: 'ok', detail: 'no day waits for recomputation' };
  return {
    name: 'dirty_days',
    verdict: row.late > 0 ? 'warning' : 'ok',
    detail: `${row.waiting} day(s) wait for recomputation (${row.first} to ${row.last}), ${row.late} for over an hour`,
  };
}

/** Runs that stopped beating (a crashed process) or never started. */
export async function stuckRuns(dataSource: DataSource): Promise<CheckResult> {
  const rows = await dataSource.query<unknown[]>(
    `SELECT id, status, start_date::text AS start, end_date::text AS end, created_at, heartbeat_at
     FROM metrics_run
     WHERE (status = 'running' AND coalesce(heartbeat_at, started_at, created_at) < now() - interval '10 minutes')
        OR (status = 'queued' AND created_at < now() - interval '30 minutes')
     ORDER BY created_at LIMIT 5`,
  );
  if (rows.length === 0) return { name: 'runs_stuck', verdict: 'ok', detail: 'no run is stuck' };
  return {
    name: 'runs_stuck',
    verdict: 'failed',
    detail: `${rows.length} run(s) stuck: running without a heartbeat for 10 minutes, or queued for 30`,
    examples: rows,
  };
}

/** Alert deliveries given up in the last 7 days, or retrying now. */
export async function failingDeliveries(dataSource: DataSource): Promise<CheckResult> {
  const [row] = await dataSource.query<{ failed: number; retrying: number }[]>(
    `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status IN ('pending', 'sending') AND attempts > 0)::int AS retrying
     FROM metrics_alert_delivery WHERE created_at > now() - interval '7 days'`,
  );
  if (row.failed + row.retrying === 0)
    return { name: 'alert_deliveries', verdict: 'ok', detail: 'no delivery failed in the last 7 days' };
  return {
    name: 'alert_deliveries',
    verdict: 'warning',
    detail: `${row.failed} delivery(ies) failed and ${row.retrying} retrying in the last 7 days (GET alerts/deliveries)`,
  };
}

export async function pendingMigrations(dataSource: DataSource): Promise<CheckResult> {
  const pending = await dataSource.showMigrations();
  return pending
    ? { name: 'migrations', verdict: 'failed', detail: 'migrations are pending: run `npm run migrate`' }
    : { name: 'migrations', verdict: 'ok', detail: 'every migration is applied' };
}
