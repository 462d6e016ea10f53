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
