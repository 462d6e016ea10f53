import type { BenchDb } from '../bench-db.js';

/**
 * The reference way this product replaces: for each tenant and day, one query per metric. It is run on a
 * sample of tenant-days, timed, extrapolated to the whole range, and its numbers are compared with ours.
 * Parameters: $1 the day's first instant, $2 the next day's first instant (UTC, the bench's reporting zone).
 */
const REFERENCE_QUERIES: Record<string, (tenant: string) => string> = {
  new_customers: (tenant) =>
    `SELECT count(*) FROM metrics_lifecycle_event WHERE ${tenant} AND type = 'signup' AND occurred_at >= $1 AND occurred_at < $2`,
  churned_customers: (tenant) =>
    `SELECT count(*) FROM metrics_lifecycle_event WHERE ${tenant} AND type = 'deactivate' AND occurred_at >= $1 AND occurred_at < $2`,
  trial_started: (tenant) =>
    `SELECT count(*) FROM metrics_lifecycle_event WHERE ${tenant} AND type = 'trial_started' AND occurred_at >= $1 AND occurred_at < $2`,
  // A customer is active when their latest signup/deactivate/reactivate up to the day's end is not a deactivation.
  total_customers: (tenant) =>
    `SELECT count(*) FROM (
       SELECT DISTINCT ON (tenant_id, user_id) type FROM metrics_lifecycle_event
       WHERE ${tenant} AND type IN ('signup', 'deactivate', 'reactivate') AND occurred_at < $2 AND $1::timestamptz IS NOT NULL
       ORDER BY tenant_id, user_id, occurred_at DESC) AS latest
     WHERE type <> 'deactivate'`,
  dau: (tenant) =>
    `SELECT count(DISTINCT (tenant_id, user_id)) FROM metrics_activity_event WHERE ${tenant} AND occurred_at >= $1 AND occurred_at < $2`,
  wau: (tenant) =>
    `SELECT count(DISTINCT (tenant_id, user_id)) FROM metrics_activity_event
     WHERE ${tenant} AND occurred_at >= $1::timestamptz - interval '6 days' AND occurred_at < $2`,
  mau: (tenant) =>
    `SELECT count(DISTINCT (tenant_id, user_id)) FROM metrics_activity_event
     WHERE ${tenant} AND occurred_at >= $1::timestamptz - interval '29 days' AND occurred_at < $2`,
  jobs_total: (tenant) =>
    `SELECT count(*) FROM metrics_job_event WHERE ${tenant} AND finished_at >= $1 AND finished_at < $2`,
  jobs_failed: (tenant) =>
    `SELECT count(*) FROM metrics_job_event WHERE ${tenant} AND status = 'failed' AND finished_at >= $1 AND finished_at < $2`,
  ai_tokens_used: (tenant) =>
    `SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM metrics_ai_usage_event WHERE ${tenant} AND occurred_at >= $1 AND occurred_at < $2`,
  api_requests_total: (tenant) =>
    `SELECT coalesce(sum(requests), 0) FROM metrics_api_request_rollup WHERE ${tenant} AND minute >= $1 AND minute < $2`,
};

export const REFERENCE_METRICS = Object.keys(REFERENCE_QUERIES);

export interface ReferenceResult {
  tenantDays: number;
  queries: number;
  seconds: number;
  /** Seconds the reference way would take for every scope and day of the range. */
  extrapolatedSeconds: number;
  /** Sampled values that differ from our snapshots (none when both agree). */
  mismatches: { scope: string; day: string; metric: string; reference: number; ours: number | null }[];
  compared: number;
  /** Compared values that are not zero: the comparison is not one of empty days. */
  nonZero: number;
}

/** Evenly spread days of the range, and the global view plus tenants of every size. */
export function sampleOf(days: string[], tenants: string[], dayCount: number, tenantCount: number) {
  const pick = <T>(items: T[], count: number) =>
    items.length <= count
      ? items
      : Array.from({ length: count }, (_, index) => items[Math.round((index * (items.length - 1)) / (count - 1 || 1))]);
  return { days: pick(days, dayCount), scopes: [null, ...pick(tenants, tenantCount)] };
}

export async function measureReference(
  db: BenchDb,
  sample: { days: string[]; scopes: (string | null)[] },
  totalScopeDays: number,
  environment: string,
): Promise<ReferenceResult> {
  const mismatches: ReferenceResult['mismatches'] = [];
  let seconds = 0;
  let queries = 0;
  let compared = 0;
  let nonZero = 0;
  for (const scope of sample.scopes) {
    const tenant = scope === null ? 'true' : `tenant_id = '${scope.replace(/'/g, "''")}'`;
    for (const day of sample.days) {
      const dayStart = `${day}T00:00:00Z`;
      const next = new Date(Date.parse(dayStart) + 86_400_000).toISOString();
      const values: Record<string, number> = {};
      const started = performance.now();
      for (const [metric, sql] of Object.entries(REFERENCE_QUERIES)) {
        const [row] = await db.query<Record<string, string | number>>(sql(tenant), [dayStart, next]);
        values[metric] = Number(Object.values(row)[0]);
        queries += 1;
      }
      seconds += (performance.now() - started) / 1000;
      const [ours] = await db.query<Record<string, string | null>>(
        `SELECT ${REFERENCE_METRICS.join(', ')} FROM system_metrics_snapshot
         WHERE environment = $1 AND bucket_type = 'daily' AND bucket_date = $2::date AND tenant_id IS NOT DISTINCT FROM $3::varchar`,
        [environment, day, scope],
      );
      for (const metric of REFERENCE_METRICS) {
        compared += 1;
        if (values[metric] !== 0) nonZero += 1;
        const value = ours?.[metric] === undefined || ours[metric] === null ? null : Number(ours[metric]);
        // A tenant with no rows yet on that day has no snapshot; the reference then counts zero.
        if (value !== values[metric] && !(value === null && values[metric] === 0 && !ours)) {
          mismatches.push({ scope: scope ?? 'global', day, metric, reference: values[metric], ours: value });
        }
      }
    }
  }
  const tenantDays = sample.scopes.length * sample.days.length;
  return {
    tenantDays,
    queries,
    seconds,
    extrapolatedSeconds: (seconds / tenantDays) * totalScopeDays,
    mismatches,
    compared,
    nonZero,
  };
}
