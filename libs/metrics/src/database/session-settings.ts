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
 * Runs `statement` with parallel workers priced at a tenth of the default per row they hand to the leader. A whole
 * run's user-days (userYearsOfRunSql) read every event of the range in index order and hand ~20 million rows at
 * scale 1 to the leader's grouping and window: at the default price the planner keeps the scan and its sort in one
 * process; with two workers scanning and sorting, the statement took 13.6–14.1 s instead of 17.6–17.7 s
 * (docs/performance-history.md). Nothing else changes: a plan without workers is still chosen when it costs less, and
 * PGlite has none.
 */
export function withParallelScan<T>(query: (sql: string) => Promise<unknown>, statement: () => Promise<T>): Promise<T> {
  return withSetting(query, 'parallel_tuple_cost', '0.01', statement);
}
