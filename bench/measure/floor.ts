import type { BenchDb } from '../bench-db.js';

/** Each source table and the timestamp that places its rows on a day. */
export const SOURCE_TIME_COLUMNS: Record<string, string> = {
  metrics_lifecycle_event: 'occurred_at',
  metrics_activity_event: 'occurred_at',
  system_activation_event: 'occurred_at',
  metrics_job_event: 'finished_at',
  metrics_ai_usage_event: 'occurred_at',
  metrics_api_request_rollup: 'minute',
};

/**
 * The floor: one aggregate scan of every source table (rows per tenant and local day), the least any
 * compute that reads all the data once must do. The groups are counted in the server, not shipped.
 */
export async function measureFloor(db: BenchDb, timezone: string): Promise<{ seconds: number; groups: number }> {
  const started = performance.now();
  let groups = 0;
  for (const [table, column] of Object.entries(SOURCE_TIME_COLUMNS)) {
    const [row] = await db.query<{ groups: number }>(
      `SELECT count(*)::int AS groups FROM (
         SELECT tenant_id, (${column} AT TIME ZONE $1)::date AS day, count(*) FROM ${table} GROUP BY 1, 2) AS per_day`,
      [timezone],
    );
    groups += row.groups;
  }
  return { seconds: (performance.now() - started) / 1000, groups };
}

/**
 * The distinct floor: what any exact compute of distinct users must do at least — one `GROUP BY tenant, user, day`
 * over activity (the distinct user-days every active-user count is built from), plus the count floor's aggregate
 * over every other source. The user-days are counted in the server, not shipped.
 */
export async function measureDistinctFloor(
  db: BenchDb,
  timezone: string,
): Promise<{ seconds: number; userDays: number; groups: number }> {
  const started = performance.now();
  const [row] = await db.query<{ user_days: number }>(
    `SELECT count(*)::int AS user_days FROM (
       SELECT tenant_id, user_id, (occurred_at AT TIME ZONE $1)::date AS day
       FROM metrics_activity_event GROUP BY 1, 2, 3) AS user_days`,
    [timezone],
  );
  let groups = 0;
  for (const [table, column] of Object.entries(SOURCE_TIME_COLUMNS)) {
    if (table === 'metrics_activity_event') continue;
    const [other] = await db.query<{ groups: number }>(
      `SELECT count(*)::int AS groups FROM (
         SELECT tenant_id, (${column} AT TIME ZONE $1)::date AS day, count(*) FROM ${table} GROUP BY 1, 2) AS per_day`,
      [timezone],
    );
    groups += other.groups;
  }
  return { seconds: (performance.now() - started) / 1000, userDays: row.user_days, groups };
}
