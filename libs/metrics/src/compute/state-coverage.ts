import type { DayCoverage } from '../sql/day-coverage.sql.js';

/** What a run does with a per-day state whose coverage it cannot trust (day-coverage.sql.ts). */
export interface CoverageActions {
  /** The coverage is dropped, the rows kept (folded again later). */
  forget(): Promise<void>;
  /** The rows and their coverage are emptied. */
  reset(): Promise<void>;
}

/**
 * The coverage a run may read a per-day state by, at its start. Without its source connected nothing is known exact
 * (the coverage is forgotten); folded in another timezone or from another relation, the local days moved (the state
 * is emptied; this run and the next ones fold it again).
 */
export async function usableCoverage(
  coverage: DayCoverage | undefined,
  run: { connected: boolean; timezone: string; source: string },
  actions: CoverageActions,
): Promise<DayCoverage | undefined> {
  if (!run.connected) {
    if (coverage) await actions.forget();
    return undefined;
  }
  if (coverage && (coverage.timezone !== run.timezone || coverage.source !== run.source)) {
    await actions.reset();
    return undefined;
  }
  return coverage;
}

/** Whether a coverage spans the local days [from, to] (the caller still checks that none waits to be recomputed). */
export const coverageSpans = (coverage: DayCoverage | undefined, from: string, to: string): boolean =>
  coverage !== undefined && coverage.first <= from && coverage.last >= to;
