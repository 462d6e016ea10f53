import type { DataSource, EntityManager } from 'typeorm';
import type { SnapshotComputeService } from '../compute/snapshot-compute.service.js';
import type { CheckResult } from './verify-checks.js';

/** Every stored daily row of one day (global and per tenant), as comparable JSON without id and timestamps. */
async function dayRows(db: DataSource | EntityManager, environment: string, day: string): Promise<Map<string, string>> {
  const rows = await db.query<{ scope: string; row: string }[]>(
    `SELECT coalesce(tenant_id, '(global)') AS scope, (to_jsonb(s) - 'id' - 'computed_at')::text AS row
     FROM system_metrics_snapshot s
     WHERE environment = $1 AND bucket_type = 'daily' AND bucket_date = $2::date`,
    [environment, day],
  );
  return new Map(rows.map(({ scope, row }) => [scope, row]));
}

/** The metrics whose stored and recomputed values differ. */
function differences(stored: string, recomputed: string | undefined): string[] {
  if (recomputed === undefined) return ['(no longer computed)'];
  const [a, b] = [JSON.parse(stored) as Record<string, unknown>, JSON.parse(recomputed) as Record<string, unknown>];
  return Object.keys(a).filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/**
 * Recomputes a sample of past days (the latest complete day always among them, since a changed source row or
 * ledger row shows there first) in a transaction that is rolled back, and compares every metric of every
 * scope with the stored snapshot. A configuration change since the last backfill shows here too.
 */
export async function snapshotSample(
  dataSource: DataSource,
  compute: SnapshotComputeService,
  environment: string,
  size: number,
): Promise<CheckResult> {
  const days = (
    await dataSource.query<{ day: string }[]>(
      `WITH complete AS (
         SELECT DISTINCT bucket_date FROM system_metrics_snapshot
         WHERE environment = $1 AND bucket_type = 'daily' AND bucket_date < current_date - 1)
       SELECT bucket_date::text AS day FROM (
         (SELECT bucket_date FROM complete ORDER BY bucket_date DESC LIMIT 1)
         UNION (SELECT bucket_date FROM complete ORDER BY random() LIMIT $2)) sample
       ORDER BY bucket_date`,
      [environment, Math.max(0, size - 1)],
    )
  ).map((row) => row.day);
  const mismatches: { day: string; scope: string; metrics: string[] }[] = [];
  for (const day of days) {
    const stored = await dayRows(dataSource, environment, day);
    await compute.computeRange({
      start: day,
      end: day,
      inspectThenRollBack: async (manager) => {
        const recomputed = await dayRows(manager, environment, day);
        for (const [scope, row] of [...stored].sort(([a], [b]) => a.localeCompare(b))) {
          const metrics = differences(row, recomputed.get(scope));
          if (metrics.length > 0) mismatches.push({ day, scope, metrics });
        }
      },
    });
  }
  if (days.length === 0) return { name: 'snapshots_sample', verdict: 'ok', detail: 'no complete day computed yet' };
  if (mismatches.length === 0)
    return {
      name: 'snapshots_sample',
      verdict: 'ok',
      detail: `${days.length} day(s) recomputed (${days.join(', ')}): identical to the stored snapshots`,
    };
  return {
    name: 'snapshots_sample',
    verdict: 'failed',
    detail: `${mismatches.length} stored snapshot(s) differ from a recomputation (a source, ledger or snapshot row changed, or the configuration changed since: backfill to refresh)`,
    examples: mismatches.slice(0, 5),
  };
}
