/** SQL fragments for local days and the work range (:tz, :w0, :w1, :tenant), shared by every fact query. */
export const LOCAL_DAY = (column: string) => `(${column} AT TIME ZONE :tz)::date`;
export const DAY_START = (dateExpr: string) => `((${dateExpr})::timestamp AT TIME ZONE :tz)`;
export const EVE = `(:w0::date - 1)`;
export const WORK_START = DAY_START(':w0::date');
export const WORK_END = DAY_START(':w1::date + 1');
/** The longest rolling window (MAU, 30 days) reaches this far back from the first work day. */
export const WINDOW_START = DAY_START(':w0::date - 29');
export const TENANT_FILTER = `(:tenant::varchar IS NULL OR tenant_id = :tenant)`;
