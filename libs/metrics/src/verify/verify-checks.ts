import type { DataSource } from 'typeorm';
import type { VerifyRepository } from '../repositories/verify.repository.js';

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
export async function revenueReconciliation(verify: VerifyRepository, environment: string): Promise<CheckResult> {
  const rows = await verify.unreconciled(environment, TOLERANCE);
  const checked = await verify.reconcilable(environment);
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
export async function dirtyDays(verify: VerifyRepository): Promise<CheckResult> {
  const row = await verify.dirtyDays();
  if (row.waiting === 0) return { name: 'dirty_days', verdict: 'ok', detail: 'no day waits for recomputation' };
  return {
    name: 'dirty_days',
    verdict: row.late > 0 ? 'warning' : 'ok',
    detail: `${row.waiting} day(s) wait for recomputation (${row.first} to ${row.last}), ${row.late} for over an hour`,
  };
}

/** Runs that stopped beating (a crashed process) or never started. */
export async function stuckRuns(verify: VerifyRepository): Promise<CheckResult> {
  const rows = await verify.stuckRuns();
  if (rows.length === 0) return { name: 'runs_stuck', verdict: 'ok', detail: 'no run is stuck' };
  return {
    name: 'runs_stuck',
    verdict: 'failed',
    detail: `${rows.length} run(s) stuck: running without a heartbeat for 10 minutes, or queued for 30`,
    examples: rows,
  };
}

/** Alert deliveries given up in the last 7 days, or retrying now. */
export async function failingDeliveries(verify: VerifyRepository): Promise<CheckResult> {
  const row = await verify.failingDeliveries();
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
