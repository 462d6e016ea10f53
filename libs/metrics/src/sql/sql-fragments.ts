/** SQL fragments for local days and the work range (:tz, :w0, :w1, :tenant), shared by every fact query. */
export const LOCAL_DAY = (column: string) => `(${column} AT TIME ZONE :tz)::date`;
export const DAY_START = (dateExpr: string) => `((${dateExpr})::timestamp AT TIME ZONE :tz)`;
export const EVE = `(:w0::date - 1)`;
export const WORK_START = DAY_START(':w0::date');
export const WORK_END = DAY_START(':w1::date + 1');
/** The longest rolling window (MAU, 30 days) reaches this far back from the first work day. */
export const WINDOW_START = DAY_START(':w0::date - 29');
export const TENANT_FILTER = `(:tenant::varchar IS NULL OR tenant_id = :tenant)`;
/** TENANT_FILTER on the rows of `alias`. */
export const tenantFilterOf = (alias: string) => `(:tenant::varchar IS NULL OR ${alias}.tenant_id = :tenant)`;

/**
 * A field of a date expression as an integer: its `year`, its day of the year (`doy`, from 1) or of the month (`day`).
 * `date_part` answers a double, exact for these fields; `extract` answers numeric since PostgreSQL 14, whose arithmetic
 * cost a scale-1 backfill ~1.6 s over its 15 million user-days (the fold's year and day bits, the counts' days into
 * the month).
 */
export const DATE_FIELD = (field: 'year' | 'doy' | 'day', day: string) => `date_part('${field}', ${day})::int`;

/**
 * Rows `a` and `b` (aliases) of the same tenant, a null tenant (the global view, events of no tenant) matching only
 * a null one. `IS NOT DISTINCT FROM` alone is exact but neither hashable nor mergeable: a join on it hashed or sorted
 * by the other keys only and tested every tenant's row against every other's (a year's daily rollup at scale 1 tested
 * 3.3 million pairs of 101 scopes a day). The coalesce equality gives the join a key; the test keeps it exact, even for
 * a tenant named ''.
 */
export const SAME_TENANT = (a: string, b: string) =>
  `coalesce(${a}.tenant_id, '') = coalesce(${b}.tenant_id, '') AND ${a}.tenant_id IS NOT DISTINCT FROM ${b}.tenant_id`;
