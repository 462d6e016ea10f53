/**
 * The compute and summary statements are long and their row estimates pessimistic, so PostgreSQL's JIT would
 * spend seconds compiling what runs in milliseconds (a one-year backfill went from 16 s to 2 s without it).
 * It is switched off for the enclosing transaction only.
 */
export const NO_JIT = 'SET LOCAL jit = off';

/**
 * A backfill sorts and hashes a chunk's user-days several times (islands of activity, distinct counts); at the
 * default 4 MB each of those spills to disk (measured with `npm run bench`). Raised for the compute transaction only.
 */
export const COMPUTE_WORK_MEM = "SET LOCAL work_mem = '64MB'";

/**
 * Runs `statement` with a planner setting changed, then restores it (transaction-local either way). `name` and
 * `value` are our own constants, never user input.
 */
async function withSetting<T>(
  query: (sql: string) => Promise<unknown>,
  name: string,
  value: string,
  statement: () => Promise<T>,
): Promise<T> {
  const [previous] = (await query(`SELECT current_setting('${name}') AS value`)) as { value: string }[];
  await query(`SELECT set_config('${name}', '${value}', true)`);
  try {
    return await statement();
  } finally {
    await query(`SELECT set_config('${name}', '${previous.value.replace(/'/g, "''")}', true)`);
  }
}

/**
 * Runs `statement` with the planner's sorts disabled. For a statement whose row estimates are far off through its
 * materialised CTEs: the cohorts' member-weeks, estimated at 78 rows where a backfill at scale 1 made 3.2 million
 * (each a row of its own then; read from raw activity they still are), were sorted to be grouped and merge-joined (the
 * join re-reading 8.8 million sorted rows); with sorts disabled they are hashed (9.2 → 6.1 s;
 * docs/performance-history.md).
 */
export function withoutSorts<T>(query: (sql: string) => Promise<unknown>, statement: () => Promise<T>): Promise<T> {
  return withSetting(query, 'enable_sort', 'off', statement);
}

/**
 * Runs `statement` with the planner's sorts and nested loops disabled: for the cohorts of a run that recomputes many
 * of them (a backfill, the months asked for by name). Their sets are all large, but the planner sees them through CTEs
 * and a range on the signup day it cannot estimate (30,350 members estimated at 152 at scale 0.25), and joined the
 * curve's 25,272 cells to its 24,570 counts in a nested loop: the backfill's cohorts took 78–89 s instead of ~1 s, in
 * five backfills of eight (docs/performance.md, "A backfill's cohorts and first fold"). A night's few stale cohorts
 * keep their plan, whose probes of the lifecycle state are nested loops.
 */
export function withoutSortsOrNestedLoops<T>(
  query: (sql: string) => Promise<unknown>,
  statement: () => Promise<T>,
): Promise<T> {
  return withSetting(query, 'enable_sort', 'off', () => withSetting(query, 'enable_nestloop', 'off', statement));
}
