import type { SourceName } from '../metrics.options.js';

/**
 * What a day's mark in `metrics_dirty_day` says is stale: the data of one source (late events or host rows of it),
 * or the billing ledger (a change dated in the past). A day may carry several marks, one per source. Each reader of
 * a derived state distrusts only the marks of the sources the state is made from, so a day's key actions (which
 * mark the 7 days before: they may activate those days' signups) no longer send the night's user-days, cohorts and
 * stored days back to the raw events. The catch-up recomputes a day whatever its marks, and clears them all.
 */
export type MarkSource = SourceName | 'billing';

/**
 * The sources each derived state is made from: a mark of another source leaves it exact.
 * - `activityState`: the per-user activity state, from the activity source only.
 * - `lifecycleState`: the per-user lifecycle state.
 * - `keyActionDays`, `aiUsageDays`: the per-day key-action and AI sums.
 * - `cohorts`: members from the signups, active weeks from the activity.
 * - `storedEve`: what a run takes from the stored days before its own besides the rollup: the eve's running totals
 *   (the ledger's stocks, WAU and MAU, the users to date; stored-eve.sql.ts). The other sources' data are flows of
 *   the days they mark (a key action: the 7 days' activated signups, a user's first key action), never a running
 *   total, and the catch-up recomputes each marked day with its week and month: a bucket a run meanwhile rolled up
 *   from such a stored day is recomputed with them.
 */
export const STATE_SOURCES = {
  activityState: ['activity'],
  lifecycleState: ['lifecycle'],
  keyActionDays: ['activation'],
  aiUsageDays: ['ai'],
  cohorts: ['lifecycle', 'activity'],
  storedEve: ['billing', 'activity', 'lifecycle'],
} as const satisfies Record<string, readonly MarkSource[]>;

/** A condition on `metrics_dirty_day`'s rows: a mark of one of these sources. */
export function markOf(sources: readonly MarkSource[], alias?: string): string {
  return `${alias ? `${alias}.` : ''}source IN (${sources.map((source) => `'${source}'`).join(', ')})`;
}
