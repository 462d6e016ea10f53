import type { SnapshotComputeService } from '../compute/snapshot-compute.service.js';
import type { VerifyRepository } from '../repositories/verify.repository.js';
import type { CheckResult } from './verify-checks.js';

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
  verify: VerifyRepository,
  compute: SnapshotComputeService,
  environment: string,
  size: number,
): Promise<CheckResult> {
  const days = await verify.sampleDays(environment, size);
  const mismatches: { day: string; scope: string; metrics: string[] }[] = [];
  for (const day of days) {
    const stored = await verify.dayRows(environment, day);
    await compute.computeRange({
      start: day,
      end: day,
      inspectThenRollBack: async (manager) => {
        const recomputed = await verify.dayRows(environment, day, manager);
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
